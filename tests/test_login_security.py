"""Login hardening: lockout after repeated failures, strong passwords, logout everywhere on a password change,
and the admin for システム管理者 only."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

LOCKED_OUT_TEXT = "ログインを一時停止しています"


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


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
