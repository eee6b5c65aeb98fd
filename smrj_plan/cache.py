"""A cache backend for read models: Django's local-memory cache without the pickling.

`LocMemCache` pickles every value on `set` and unpickles it on every `get`; for the overview's 250 computed rows
that costs more (about 40 ms and 17 ms) than computing them. This backend keeps the objects themselves, so
values must be treated as read-only: the progress rows are frozen dataclasses and callers get a new list.

Keys may be any hashable value and are compared by equality, not by a digest: the progress rows are cached under
the very data they are computed from, so two different inputs can never share an entry.

Per process, like LocMemCache, and as exact across processes: the keys hold the data version
(smrj_plan/data_version.py) or the data itself, which every process reads from the shared database."""

import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_STORES: dict[str, OrderedDict] = {}
_LOCKS: dict[str, threading.Lock] = {}


class ObjectCache(BaseCache):
    def __init__(self, name, params):
        super().__init__(params)
        self._store = _STORES.setdefault(name, OrderedDict())
        self._lock = _LOCKS.setdefault(name, threading.Lock())

    def make_key(self, key, version=None):
        return (self.key_prefix, self.version if version is None else version, key)

    def make_and_validate_key(self, key, version=None):
        hash(key)  # a TypeError here, not a broken entry later
        return self.make_key(key, version=version)

    def _expired(self, expiry) -> bool:
        return expiry is not None and expiry <= time.monotonic()

    def _expiry(self, timeout):
        timeout = self.get_backend_timeout(timeout)
        return None if timeout is None else time.monotonic() + timeout

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            item = self._store.get(key)
            if item is None:
                return default
            value, expiry = item
            if self._expired(expiry):
                del self._store[key]
                return default
            self._store.move_to_end(key)
            return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._store[key] = (value, self._expiry(timeout))
            self._store.move_to_end(key)
            while len(self._store) > self._max_entries:
                self._store.popitem(last=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version=version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            item = self._store.get(key)
            if item is None or self._expired(item[1]):
                return False
            self._store[key] = (item[0], self._expiry(timeout))
            return True

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._store.pop(key, None) is not None

    def has_key(self, key, version=None):
        sentinel = object()
        return self.get(key, sentinel, version=version) is not sentinel

    def clear(self):
        with self._lock:
            self._store.clear()
