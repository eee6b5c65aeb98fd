"""Login hardening: lockout after repeated failures, strong passwords, logout everywhere on a password change,
and the admin for システム管理者 only."""

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from smrj_plan.login_security import client_ip_address

LOCKED_OUT_TEXT = "ログインを一時停止しています"


def _login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


# What the reverse proxy on this host (deploy/nginx-smrj-plan.conf) sends: it connects from 127.0.0.1 and
# overwrites X-Forwarded-For with the client's address.
def _via_proxy(client_address):
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_address}


def _is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_a_wrong_password_shows_a_japanese_error_and_does_not_log_in(staff_user, client):
    response = _login(client, "tanto", "wrong-password")
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    assert not _is_logged_in(client)


def test_five_failed_logins_lock_the_account_and_the_right_password_is_then_refused(staff_user, client):
    for attempt in range(1, 5):
        response = _login(client, "tanto", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert LOCKED_OUT_TEXT not in response.content.decode()

    fifth = _login(client, "tanto", "wrong-5")
    assert fifth.status_code == 429
    assert LOCKED_OUT_TEXT in fifth.content.decode()
    assert "1時間停止しました" in fifth.content.decode()
    assert AccessAttempt.objects.get(username="tanto").failures_since_start == 5

    correct = _login(client, "tanto", "pw-tanto")
    assert correct.status_code == 429
    assert LOCKED_OUT_TEXT in correct.content.decode()
    assert not _is_logged_in(client)
    # A fresh browser from the same address is refused too: the lock is on the account, not the session.
    assert _login(Client(), "tanto", "pw-tanto").status_code == 429


def test_the_lockout_of_one_account_leaves_others_alone(staff_user, manager, client):
    for attempt in range(5):
        _login(client, "tanto", f"wrong-{attempt}")
    other = Client()
    response = _login(other, "kanri", "pw-kanri")
    assert response.status_code == 302
    assert _is_logged_in(other)


def test_four_failures_then_success_resets_the_counter(staff_user, client):
    for attempt in range(4):
        _login(client, "tanto", f"wrong-{attempt}")
    assert _login(client, "tanto", "pw-tanto").status_code == 302
    assert _is_logged_in(client)
    assert not AccessAttempt.objects.filter(username="tanto").exists()


@pytest.mark.parametrize(
    ("new_password", "messages"),
    [
        ("short-pw", ["このパスワードは短すぎます。最低 12 文字以上必要です。"]),
        (
            "password",
            ["このパスワードは短すぎます。最低 12 文字以上必要です。", "このパスワードは一般的すぎます。"],
        ),
        ("482916305718", ["このパスワードは数字しか使われていません。"]),
    ],
)
def test_a_weak_password_is_refused_with_japanese_messages(staff_user, staff_client, new_password, messages):
    response = staff_client.post(
        reverse("password_change"),
        {"old_password": "pw-tanto", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    body = response.content.decode()
    for message in messages:
        assert message in body
    staff_user.refresh_from_db()
    assert staff_user.check_password("pw-tanto")
    assert _is_logged_in(staff_client)


def test_a_password_like_the_user_name_is_refused(staff_user, staff_client):
    staff_user.first_name = "Takahashi"
    staff_user.save(update_fields=["first_name"])
    response = staff_client.post(
        reverse("password_change"),
        {"old_password": "pw-tanto", "new_password1": "takahashi123", "new_password2": "takahashi123"},
    )
    assert response.status_code == 200
    assert "似すぎています" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password("pw-tanto")


def test_a_password_change_logs_out_this_and_every_other_session(staff_user, staff_client):
    other_device = Client()
    other_device.force_login(staff_user)
    assert other_device.get(reverse("indicators:list")).status_code == 200

    new_password = "Kakushin-Keikaku-2024!"
    response = staff_client.post(
        reverse("password_change"),
        {"old_password": "pw-tanto", "new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "パスワードを変更しました。新しいパスワードでログインしてください。" in response.content.decode()
    assert not _is_logged_in(staff_client)
    assert staff_client.get(reverse("indicators:list")).status_code == 302

    # The other browser's session no longer matches the password hash: it is sent to the login page.
    stale = other_device.get(reverse("indicators:list"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("login"))

    assert _login(Client(), "tanto", "pw-tanto").status_code == 200
    assert _login(Client(), "tanto", new_password).status_code == 302


def test_the_password_change_page_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("client_fixture", ["staff_client", "manager_client", "auditor_client"])
@pytest.mark.parametrize("url", ["/admin/", "/admin/auth/user/", "/admin/indicators/actual/"])
def test_the_admin_is_closed_to_everyone_but_system_administrators(request, client_fixture, url):
    client = request.getfixturevalue(client_fixture)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_manager_marked_is_staff_still_cannot_use_the_admin(manager, manager_client):
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    for url in ("/admin/", "/admin/auth/user/"):
        response = manager_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    # Signing in through the admin's own login form signs them in to the app, never into the admin.
    manager.set_password("Kanri-Strong-Password-1")
    manager.save(update_fields=["password"])
    fresh = Client()
    fresh.post(
        reverse("admin:login"),
        {"username": "kanri", "password": "Kanri-Strong-Password-1", "next": "/admin/"},
    )
    response = fresh.get("/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_system_administrator_sees_users_in_the_admin(sysadmin_client, staff_user):
    response = sysadmin_client.get("/admin/auth/user/")
    assert response.status_code == 200
    assert "tanto" in response.content.decode()
    assert get_user_model().objects.filter(username="tanto").exists()


def test_a_username_longer_than_any_account_is_refused_without_an_error(staff_user, client):
    """Axes records failures in a 255-character column; a 10,000-character username must not break the page."""
    for _ in range(5):
        response = _login(client, "tanto" + "x" * 10_000, " ")
        assert response.status_code in (200, 429)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == ("tanto" + "x" * 10_000)[:150]
    # The real account is untouched by the lockout of the long name.
    assert _login(Client(), "tanto", "pw-tanto").status_code == 302


# ------------------------------------------------------------------------------ lockout by user and address


def test_an_attacker_from_one_address_does_not_lock_the_manager_out_elsewhere(manager):
    """Five wrong passwords for kanri from 203.0.113.10 lock that pair; kanri at 198.51.100.20 still logs in."""
    attacker = Client()
    for attempt in range(1, 5):
        assert _login(attacker, "kanri", f"wrong-{attempt}", **_via_proxy("203.0.113.10")).status_code == 200
    fifth = _login(attacker, "kanri", "wrong-5", **_via_proxy("203.0.113.10"))
    assert fifth.status_code == 429
    assert "この接続元からこのアカウントへのログインを1時間停止しました" in fifth.content.decode()

    office = Client()
    response = _login(office, "kanri", "pw-kanri", **_via_proxy("198.51.100.20"))
    assert response.status_code == 302
    assert _is_logged_in(office)

    # The attacker's address stays locked, even with the right password.
    again = Client()
    assert _login(again, "kanri", "pw-kanri", **_via_proxy("203.0.113.10")).status_code == 429
    assert not _is_logged_in(again)
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("kanri", "203.0.113.10", 6)  # the refused right password counts as an attempt too
    ]


def test_the_lock_is_per_pair_for_direct_connections_too(staff_user, manager):
    for username in ("tanto", "kanri"):
        for attempt in range(5):
            _login(Client(), username, f"wrong-{attempt}", REMOTE_ADDR="192.0.2.1")
        assert _login(Client(), username, f"pw-{username}", REMOTE_ADDR="192.0.2.1").status_code == 429
        assert _login(Client(), username, f"pw-{username}", REMOTE_ADDR="192.0.2.2").status_code == 302


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(manager):
    """Sent straight to the app, X-Forwarded-For is the client's own claim: it is ignored."""
    for attempt in range(5):
        _login(
            Client(),
            "kanri",
            f"wrong-{attempt}",
            REMOTE_ADDR="192.0.2.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt + 1}",
        )
    refused = _login(
        Client(), "kanri", "pw-kanri", REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert refused.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.66"]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.7"}, "192.0.2.7"),
        ({"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "192.0.2.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "203.0.113.1"),
        ({"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8:0:0::1"}, "2001:db8::1"),
        # A proxy that appends: the client's own claim (left) is not believed, the proxy's entry (right) is.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.1"}, "203.0.113.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.1, 127.0.0.1"}, "203.0.113.1"),
        # Malformed, empty or absurdly long headers: the proxy's own address.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": ""}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.1," * 500}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4:5678"}, "127.0.0.1"),
        # gunicorn on a Unix socket: no address, only the local proxy can connect.
        ({"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "203.0.113.1"),
        ({"REMOTE_ADDR": ""}, None),
    ],
)
def test_the_client_address_rule(meta, expected):
    request = RequestFactory().get("/")
    request.META.update(meta)
    assert client_ip_address(request) == expected


def test_a_proxy_on_another_host_is_trusted_when_listed(settings):
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/24")]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client_ip_address(request) == "203.0.113.1"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client_ip_address(request) == "127.0.0.1"  # no longer a trusted proxy


def test_a_malformed_trusted_proxy_list_stops_the_start():
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="smrj_plan.settings", TRUSTED_PROXY_IPS="127.0.0.1,proxy.local"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "TRUSTED_PROXY_IPS must list IP addresses or networks" in proc.stderr


@pytest.mark.parametrize(
    ("command", "args"),
    [("axes_reset_username", ["kanri"]), ("axes_reset_ip_username", ["203.0.113.10", "kanri"])],
)
def test_the_documented_unlock_commands_lift_the_lock(manager, staff_user, capsys, command, args):
    for username in ("kanri", "tanto"):
        for attempt in range(5):
            _login(Client(), username, f"wrong-{attempt}", **_via_proxy("203.0.113.10"))
    assert _login(Client(), "kanri", "pw-kanri", **_via_proxy("203.0.113.10")).status_code == 429

    call_command(command, *args)

    assert "1 attempts removed." in capsys.readouterr().out
    assert _login(Client(), "kanri", "pw-kanri", **_via_proxy("203.0.113.10")).status_code == 302
    # Only kanri was unlocked.
    assert _login(Client(), "tanto", "pw-tanto", **_via_proxy("203.0.113.10")).status_code == 429


def test_a_request_without_any_address_is_still_counted_and_locked(manager):
    for attempt in range(4):
        assert _login(Client(), "kanri", f"wrong-{attempt}", REMOTE_ADDR="").status_code == 200
    assert _login(Client(), "kanri", "wrong-5", REMOTE_ADDR="").status_code == 429
    assert _login(Client(), "kanri", "pw-kanri", REMOTE_ADDR="192.0.2.2").status_code == 302
