"""Accounts and tokens through HTTP: login, whoami, roles, rate limit, disabled users.

The tests share one server (starting one took most of a test's time), each with users of
its own names, so no test sees another's accounts, tokens, audit entries or throttled
attempts. Logins are throttled per account, as the tests check, and per address, which
they do not: this module's thirty-odd failed sign-ins all come from loopback, so the
address's limit is raised past them."""

from __future__ import annotations

import re
from contextlib import closing

import httpx

from tests.fixtures.app import PASSWORD, ArchiveServer, module_archive_server
from tests.support import loopback
from tests.support.pages import signed_in

server = module_archive_server(login_attempts_per_address_per_minute=1000)


def test_login_returns_a_bearer_token_that_identifies_the_user(
        server: ArchiveServer) -> None:
    token = server.add_user("wang", "archivist", clearance="confidential",
                            department="archive")
    with server.client(token) as client:
        me = client.get("/registry/auth/whoami").json()
    assert me == {"username": "wang", "roles": ["archivist"], "clearance": "confidential",
                  "department": "archive"}


def test_wrong_password_is_401_with_a_code(server: ArchiveServer) -> None:
    server.add_user("li.wrong", "staff")
    with server.client() as client:
        response = client.post("/registry/auth/token",
                               json={"username": "li.wrong", "password": "wrong password"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_repeated_failed_logins_are_rate_limited(server: ArchiveServer) -> None:
    server.add_user("zhao", "staff")
    limit = server.settings.login_attempts_per_minute
    with server.client() as client:
        codes = [client.post("/registry/auth/token",
                             json={"username": "zhao", "password": "nope nope"}).status_code
                 for _ in range(limit + 1)]
        correct = client.post("/registry/auth/token",
                              json={"username": "zhao", "password": "correct horse battery"})
    assert codes[:limit] == [401] * limit
    assert codes[limit] == 429
    assert correct.status_code == 429
    # The attempts were made within a second or so: the window frees a minute after.
    assert 55 <= int(correct.headers["Retry-After"]) <= 61


def test_the_sign_in_page_throttled_says_how_many_seconds_to_wait(
        server: ArchiveServer) -> None:
    server.add_user("sun.page", "staff")
    limit = server.settings.login_attempts_per_minute
    with server.client() as browser:
        browser.get("/ui/login")
        answers = [browser.post("/ui/login", data={
            "username": "sun.page", "password": "nope nope", "next": "",
            "_csrf_token": browser.cookies["archive_csrf"]}) for _ in range(limit + 1)]
    throttled = answers[limit]
    assert [answer.status_code for answer in answers] == [401] * limit + [429]
    said = re.search(r"尝试次数过多，请 (\d+) 秒后再试。", throttled.text)
    assert said is not None, throttled.text
    assert 55 <= int(said.group(1)) <= 61


def test_a_forged_token_is_refused(server: ArchiveServer) -> None:
    token = server.add_user("qian.forged", "admin")
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    with server.client(forged) as client:
        response = client.get("/registry/users")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_token_with_alg_none_is_refused(server: ArchiveServer) -> None:
    import jwt

    token = jwt.encode({"sub": "root", "roles": ["admin"], "iss": "archive", "aud": "archive",
                        "iat": 0, "exp": 4_000_000_000}, key=None, algorithm="none")
    with server.client(token) as client:
        assert client.get("/registry/users").status_code == 401


def test_a_staff_member_cannot_create_users(server: ArchiveServer) -> None:
    token = server.add_user("sun.staff", "staff")
    with server.client(token) as client:
        response = client.post("/registry/users", json={"username": "evil", "roles": ["admin"]})
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"


def test_admin_creates_a_user_who_can_then_log_in(server: ArchiveServer) -> None:
    admin = server.add_user("root.create", "admin", clearance="confidential")
    with server.client(admin) as client:
        created = client.post("/registry/users", json={
            "username": "zhou.api", "roles": ["manager"], "clearance": "confidential",
            "department": "customer_service", "password": "a long password"})
    assert created.status_code == 201
    assert server.login("zhou.api", "a long password")


def test_a_deactivated_users_token_stops_working(server: ArchiveServer) -> None:
    admin = server.add_user("root.leaver", "admin")
    leaver = server.add_user("wu.leaver", "staff")
    with server.client(admin) as client:
        assert client.post("/registry/users/wu.leaver/deactivate").status_code == 200
    with server.client(leaver) as client:
        response = client.get("/registry/auth/whoami")
    assert response.status_code == 401
    assert response.json()["code"] == "account_disabled"


def test_a_token_just_used_stops_working_the_moment_its_user_is_deactivated(
    server: ArchiveServer,
) -> None:
    admin = server.add_user("root.used", "admin")
    leaver = server.add_user("wu.used", "staff")
    with server.client(leaver) as client:
        assert client.get("/registry/auth/whoami").status_code == 200
        with server.client(admin) as admin_client:
            assert admin_client.post("/registry/users/wu.used/deactivate").status_code == 200
        response = client.get("/registry/auth/whoami")
    assert response.status_code == 401
    assert response.json()["code"] == "account_disabled"


def test_unknown_fields_in_a_request_are_a_400_not_a_500(server: ArchiveServer) -> None:
    admin = server.add_user("root.fields", "admin")
    with server.client(admin) as client:
        response = client.post("/registry/users",
                               json={"username": "x1", "roles": ["staff"], "is_god": True})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_changing_ones_own_password_ends_earlier_tokens_and_answers_a_new_one(
        server: ArchiveServer) -> None:
    old = server.add_user("li.change", "staff")
    with server.client(old) as client:
        changed = client.post("/registry/users/me/password", json={
            "current_password": "correct horse battery", "new_password": "a brand new one"})
        refused = client.get("/registry/auth/whoami")
    assert changed.status_code == 200, changed.text
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
    with server.client(changed.json()["access_token"]) as client:
        assert client.get("/registry/auth/whoami").json()["username"] == "li.change"
    assert server.login("li.change", "a brand new one")


def test_a_wrong_current_password_changes_nothing(server: ArchiveServer) -> None:
    token = server.add_user("li.current", "staff")
    with server.client(token) as client:
        response = client.post("/registry/users/me/password", json={
            "current_password": "not my password", "new_password": "a brand new one"})
        still = client.get("/registry/auth/whoami")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    assert still.status_code == 200


def test_an_admins_reset_ends_the_users_tokens(server: ArchiveServer) -> None:
    admin = server.add_user("root.reset", "admin")
    user = server.add_user("li.reset", "staff")
    with server.client(admin) as client:
        reset = client.post("/registry/users/li.reset/password",
                            json={"new_password": "reset 12345"})
    with server.client(user) as client:
        refused = client.get("/registry/auth/whoami")
    assert reset.status_code == 200, reset.text
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
    assert server.login("li.reset", "reset 12345")


def test_only_an_admin_resets_a_password(server: ArchiveServer) -> None:
    server.add_user("li.notreset", "staff")
    other = server.add_user("ma.reset", "manager")
    with server.client(other) as client:
        response = client.post("/registry/users/li.notreset/password",
                               json={"new_password": "mine now!"})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def test_new_roles_end_the_users_tokens_and_new_tokens_carry_them(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.roles", "admin")
    user = server.add_user("li.roles", "staff")
    with server.client(admin) as client:
        changed = client.patch("/registry/users/li.roles", json={"roles": ["manager"]})
        audit = client.get("/registry/audit", params={"username": "root.roles"}).json()
    with server.client(user) as client:
        refused = client.get("/registry/auth/whoami")
    assert changed.json()["roles"] == ["manager"]
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
    with server.client(server.login("li.roles")) as client:
        assert client.get("/registry/auth/whoami").json()["roles"] == ["manager"]
    assert [(entry["action"], entry["detail"].get("user")) for entry in audit] == [
        ("login", None), ("user_changed", "li.roles")]


def test_a_full_name_is_kept_and_changed_without_ending_the_users_sign_ins(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.named", "admin")
    with server.client(admin) as client:
        created = client.post("/registry/users", json={
            "username": "zhang.named", "roles": ["staff"], "full_name": "张三",
            "password": "a long password"}).json()
    user = server.login("zhang.named", "a long password")
    with server.client(admin) as client:
        renamed = client.patch("/registry/users/zhang.named", json={"full_name": "张三丰"})
        audit = client.get("/registry/audit", params={"username": "root.named"}).json()
    with server.client(user) as client:
        still = client.get("/registry/users/zhang.named")
    assert created["full_name"] == "张三"
    assert renamed.json()["full_name"] == "张三丰"
    assert (still.status_code, still.json()["full_name"]) == (200, "张三丰")
    assert [(entry["detail"]["changed"], entry["detail"]["full_name"],
             entry["detail"]["previous_full_name"]) for entry in audit
            if entry["action"] == "user_changed"] == [(["full_name"], "张三丰", "张三")]


def test_a_full_name_of_nothing_visible_is_refused_as_an_empty_one(
        server: ArchiveServer) -> None:
    """A script naming a person with a zero-width space or full-width spaces names nobody:
    400 ``invalid_request`` naming the field, at creation and at a change alike."""
    admin = server.add_user("root.blank", "admin")
    server.add_user("zhang.blank", "staff")
    with server.client(admin) as client:
        refused = [client.post("/registry/users", json={
            "username": "wu.blank", "roles": ["staff"], "full_name": "\u200b",
            "password": "a long password"}),
            client.patch("/registry/users/zhang.blank", json={"full_name": "\u3000\u3000"})]
        created = client.get("/registry/users/wu.blank")
    assert [(answer.status_code, answer.json()["code"], answer.json()["errors"][0]["key"])
            for answer in refused] == [(400, "invalid_request", "full_name")] * 2
    assert created.status_code == 404


def test_pages_name_people_by_their_full_names_which_anyone_signed_in_may_read(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.people", "admin")
    staff = server.add_user("ma.people", "staff")
    with server.client(admin) as client:
        client.post("/registry/users", json={
            "username": "he.people", "roles": ["compliance"], "full_name": "何静",
            "password": PASSWORD}).raise_for_status()
    with server.client(server.login("he.people")) as client:
        schedule = client.get("/registry/retention/schedule").json()
        client.put("/registry/retention/schedule", json={
            "classes": schedule["classes"], "years": schedule["years"]}).raise_for_status()
    with server.client(staff) as client:
        people = client.get("/registry/people")
    with server.client() as client:
        anonymous = client.get("/registry/people")
    page = signed_in(server.url, "he.people").get("/ui/retention")
    assert {"username": "he.people", "full_name": "何静"} in people.json()
    assert "root.people" not in {person["username"] for person in people.json()}  # no name
    assert anonymous.status_code == 401
    assert "何静（he.people） 于" in page.text  # who changed the schedule last


def test_a_value_ending_in_a_newline_is_refused_as_a_username_a_name_or_a_household(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.newline", "admin", "archivist")
    with server.client(admin) as client:
        answers = [
            client.post("/registry/users", json={"username": "evil\n", "roles": ["staff"]}),
            client.post("/registry/users", json={"username": "lin.newline", "roles": ["staff"],
                                                 "full_name": "林\n"}),
            client.post("/registry/users", json={"username": "lin.spaced", "roles": ["staff"],
                                                 "full_name": " 林"}),
            client.post("/registry/households", json={"household": "A-1201\n"})]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 400]


def test_the_name_me_is_reserved_for_ones_own_account(server: ArchiveServer) -> None:
    admin = server.add_user("root.me", "admin")
    with server.client(admin) as client:
        response = client.post("/registry/users", json={"username": "me", "roles": ["staff"]})
    assert (response.status_code, response.json()["code"]) == (422, "reserved_username")


def test_logins_and_refused_logins_are_in_the_audit_log(server: ArchiveServer) -> None:
    auditor = server.add_user("qian.logins", "compliance")
    server.add_user("li.logins", "staff")
    with server.client() as client:
        refused = client.post("/registry/auth/token",
                              json={"username": "li.logins", "password": "not the password"})
        unknown = client.post("/registry/auth/token",
                              json={"username": "nobody.logins", "password": "any password"})
    with server.client(auditor) as client:
        mine = client.get("/registry/audit", params={"username": "li.logins"}).json()
        theirs = client.get("/registry/audit", params={"username": "nobody.logins"}).json()
    assert (refused.status_code, unknown.status_code) == (401, 401)
    assert [(e["action"], e["outcome"], e["code"]) for e in mine] == [
        ("login", "allowed", None), ("login", "refused", "invalid_credentials")]
    assert [(e["action"], e["outcome"]) for e in theirs] == [("login", "refused")]


def test_a_deactivated_accounts_login_is_told_as_a_wrong_password_and_audited_as_theirs(
        server: ArchiveServer) -> None:
    """No account enumeration: someone who left is told what a wrong password is told;
    the audit log says a deactivated account tried, for the admin."""
    admin = server.add_user("root.departed", "admin")
    server.add_user("wu.departed", "staff")
    with server.client(admin) as client:
        assert client.post("/registry/users/wu.departed/deactivate").status_code == 200
    with server.client() as client:
        departed = client.post("/registry/auth/token",
                               json={"username": "wu.departed", "password": PASSWORD})
        unknown = client.post("/registry/auth/token",
                              json={"username": "nobody.departed", "password": PASSWORD})
    assert (departed.status_code, departed.json()) == (unknown.status_code, unknown.json())
    assert departed.json()["code"] == "invalid_credentials"
    with server.client(server.add_user("qian.departed", "compliance")) as client:
        said = {username: [(e["action"], e["outcome"], e["code"]) for e in client.get(
            "/registry/audit", params={"username": username}).json()]
            for username in ("wu.departed", "nobody.departed")}
    assert said == {"wu.departed": [("login", "allowed", None),
                                    ("login", "refused", "account_deactivated")],
                    "nobody.departed": [("login", "refused", "invalid_credentials")]}


def _refusals(server: ArchiveServer, username: str, *, auditor: str
              ) -> list[tuple[str, str | None]]:
    with server.client(server.add_user(auditor, "compliance")) as client:
        entries = client.get("/registry/audit", params={"username": username}).json()
    return [(entry["action"], entry["code"]) for entry in entries
            if entry["outcome"] == "refused"]


def test_an_admin_changes_neither_their_own_clearance_nor_their_own_roles(
        server: ArchiveServer) -> None:
    """domain.md: an admin has no implicit right to read confidential files, so raising
    one's own clearance is another admin's call; so is one's own roles."""
    admin = server.add_user("root.own", "admin")
    with server.client(admin) as client:
        clearance = client.patch("/registry/users/root.own", json={"clearance": "secret"})
        roles = client.patch("/registry/users/root.own", json={"roles": ["staff"]})
        me = client.get("/registry/users/root.own").json()
    assert (clearance.status_code, clearance.json()["code"]) == (403, "own_account")
    assert (roles.status_code, roles.json()["code"]) == (403, "own_account")
    assert (me["clearance"], me["roles"]) == ("ordinary", ["admin"])
    assert _refusals(server, "root.own", auditor="qian.own") == [
        ("user_changed", "own_account")] * 2


def test_another_admin_changes_an_admins_clearance(server: ArchiveServer) -> None:
    server.add_user("root.other", "admin")
    other = server.add_user("root2.other", "admin", clearance="secret")
    with server.client(other) as client:
        changed = client.patch("/registry/users/root.other", json={"clearance": "secret"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["clearance"] == "secret"


def test_an_admin_does_not_deactivate_their_own_account(server: ArchiveServer) -> None:
    server.add_user("root.self", "admin")
    admin2 = server.add_user("admin2.self", "admin")
    with server.client(admin2) as client:
        refused = client.post("/registry/users/admin2.self/deactivate")
        still = client.get("/registry/auth/whoami")
    assert (refused.status_code, refused.json()["code"]) == (403, "own_account")
    assert still.status_code == 200
    assert _refusals(server, "admin2.self", auditor="qian.self") == [
        ("user_deactivated", "own_account")]


def test_a_reactivated_user_signs_in_with_their_password_but_no_earlier_token_works(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.back", "admin")
    leaver = server.add_user("wu.back", "staff")
    with server.client(admin) as client:
        assert client.post("/registry/users/wu.back/deactivate").status_code == 200
        back = client.post("/registry/users/wu.back/activate")
        audit = client.get("/registry/audit", params={"username": "root.back"}).json()
    assert back.status_code == 200, back.text
    assert (back.json()["active"], back.json()["deactivated_at"]) == (True, None)
    with server.client(leaver) as client:
        refused = client.get("/registry/auth/whoami")
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
    with server.client(server.login("wu.back")) as client:
        assert client.get("/registry/auth/whoami").json()["username"] == "wu.back"
    assert [(entry["action"], entry["detail"].get("user")) for entry in audit][-2:] == [
        ("user_deactivated", "wu.back"), ("user_reactivated", "wu.back")]


def test_only_an_admin_reactivates_a_user(server: ArchiveServer) -> None:
    admin = server.add_user("root.react", "admin")
    server.add_user("wu.react", "staff")
    manager = server.add_user("ma.react", "manager")
    with server.client(admin) as client:
        assert client.post("/registry/users/wu.react/deactivate").status_code == 200
    with server.client(manager) as client:
        refused = client.post("/registry/users/wu.react/activate")
    with server.client(admin) as client:
        audit = client.get("/registry/audit", params={"username": "ma.react"}).json()
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")
    # the refusal names the account, as the success's entry would
    assert [(e["action"], e["code"], e["detail"].get("user")) for e in audit
            if e["outcome"] == "refused"] == [("user_reactivated", "role_required", "wu.react")]


def test_logout_ends_that_token_and_no_other_of_the_user(server: ArchiveServer) -> None:
    signed_out = server.add_user("qian.logout", "staff")
    other = server.login("qian.logout")
    with server.client(signed_out) as client:
        assert client.get("/registry/auth/whoami").status_code == 200  # remembered active
        ended = client.post("/registry/auth/logout")
        replayed = client.get("/registry/households/A-0001")
        again = client.post("/registry/auth/logout")
    with server.client(other) as client:
        still = client.get("/registry/auth/whoami")
    assert ended.status_code == 204, ended.text
    assert (replayed.status_code, replayed.json()["code"]) == (401, "token_ended")
    assert (again.status_code, again.json()["code"]) == (401, "token_ended")
    assert (still.status_code, still.json()["username"]) == (200, "qian.logout")
    with server.client(server.add_user("sun.logout", "compliance")) as client:
        trail = client.get("/registry/audit", params={"username": "qian.logout"}).json()
    assert [entry["action"] for entry in trail].count("logout") == 1


def test_a_common_password_or_one_holding_the_username_is_a_422_saying_what_to_do(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.common", "admin")
    user = server.add_user("li.na", "staff")
    with server.client(admin) as client:
        created = client.post("/registry/users", json={
            "username": "zhou.common", "roles": ["manager"], "password": "qq123456"})
        reset = client.post("/registry/users/li.na/password",
                            json={"new_password": "Li.Na.2024!"})
    with server.client(user) as client:
        changed = client.post("/registry/users/me/password", json={
            "current_password": "correct horse battery", "new_password": "WOAINI1314"})
    answers = [(answer.status_code, answer.json()["code"]) for answer in (created, reset,
                                                                           changed)]
    assert answers == [(422, "password_too_common"), (422, "password_contains_username"),
                       (422, "password_too_common")]
    assert "choose a longer phrase" in created.json()["detail"]
    assert server.login("li.na")  # the password it had still works


def test_the_accounts_page_says_in_chinese_why_a_password_is_refused(
        server: ArchiveServer) -> None:
    server.add_user("root.page", "admin")
    server.add_user("wu.fang", "staff")
    browser = signed_in(server.url, "root.page")
    csrf = browser.cookies["archive_csrf"]
    try:
        added = browser.post("/ui/admin/users", data={
            "_csrf_token": csrf, "username": "zhou.page", "roles": "staff",
            "clearance": "ordinary", "department": "", "password": "Woaini1314",
            "password_again": "Woaini1314"})
        reset = browser.post("/ui/admin/users/wu.fang/password", data={
            "_csrf_token": csrf, "new_password": "wu.fang 的新密码",
            "new_password_again": "wu.fang 的新密码"})
    finally:
        browser.close()
    assert added.status_code == 422
    assert "这个密码太常见了" in added.text
    assert "请换一个更长的短语" in added.text
    assert reset.status_code == 422
    assert "密码里含有用户名" in reset.text
    assert server.login("wu.fang")


def test_changing_ones_own_password_on_my_account_keeps_one_signed_in_with_a_new_cookie(
        server: ArchiveServer) -> None:
    """我的账户: each refusal is said in Chinese and changes nothing; the change replaces
    the session cookie with the registry's new token, and a copy of the old cookie goes to
    sign-in (the change ended it)."""
    server.add_user("chen.jie", "staff", department="customer_service")
    browser = signed_in(server.url, "chen.jie")
    old = browser.cookies["archive_session"]
    csrf = browser.cookies["archive_csrf"]

    def change(current: str, new: str, again: str) -> httpx.Response:
        return browser.post("/ui/account/password", headers={"referer": "/ui/account"},
                            data={"_csrf_token": csrf, "current_password": current,
                                  "new_password": new, "new_password_again": again})

    try:
        shown = browser.get("/ui/account")
        wrong = change("not my password", "a brand new one", "a brand new one")
        common = change(PASSWORD, "Woaini1314", "Woaini1314")
        named = change(PASSWORD, "Chen.Jie 的新密码", "Chen.Jie 的新密码")
        differ = change(PASSWORD, "a brand new one", "a brand new one!")
        short = change(PASSWORD, "short", "short")
        forged = browser.post("/ui/account/password", data={
            "current_password": PASSWORD, "new_password": "a brand new one",
            "new_password_again": "a brand new one"})
        assert browser.cookies["archive_session"] == old  # nothing was changed yet
        changed = change(PASSWORD, "a brand new one", "a brand new one")
        new = browser.cookies["archive_session"]
        after = browser.get(changed.headers["location"])
    finally:
        browser.close()
    assert shown.status_code == 200
    assert re.search(r"<dd>员工</dd>.*<dd>普通</dd>.*<dd>客服部</dd>", shown.text, re.S)
    assert "<dd>未登记（打印的移交清单等只印用户名" in shown.text  # no full name given
    assert (wrong.status_code, "现在的密码不正确，密码没有更改" in wrong.text) == (401, True)
    assert (common.status_code, "这个密码太常见了" in common.text) == (422, True)
    assert (named.status_code, "密码里含有用户名" in named.text) == (422, True)
    assert (differ.status_code, "两次输入的密码不一样" in differ.text) == (422, True)
    assert (short.status_code, "密码至少要 8 个字符" in short.text) == (422, True)
    assert forged.status_code == 403
    assert (changed.status_code, changed.headers["location"]) == (303,
                                                                  "/ui/account?done=password")
    assert new != old
    assert after.status_code == 200
    assert "密码已更改。您在这里仍然登录着" in after.text
    with loopback.client(server.url, cookies={"archive_session": old}) as copy:
        replayed = copy.get("/ui/account")
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/ui/login?")
    assert "reason=revoked" in replayed.headers["location"]
    assert server.login("chen.jie", "a brand new one")


def test_my_account_says_how_long_to_wait_after_too_many_wrong_current_passwords(
        server: ArchiveServer) -> None:
    server.add_user("sun.account", "staff")
    limit = server.settings.login_attempts_per_minute
    with closing(signed_in(server.url, "sun.account")) as browser:
        answers = [browser.post("/ui/account/password", data={
            "_csrf_token": browser.cookies["archive_csrf"], "current_password": "nope nope",
            "new_password": "a brand new one", "new_password_again": "a brand new one"})
            for _ in range(limit + 1)]
        still = browser.get("/ui/account")
    throttled = answers[limit]
    assert [answer.status_code for answer in answers] == [401] * limit + [429]
    said = re.search(r"密码没有更改。尝试次数过多，请 (\d+) 秒后再试。", throttled.text)
    assert said is not None, throttled.text
    assert 55 <= int(said.group(1)) <= 61
    assert still.status_code == 200  # a refused change leaves the session as it was


def _zhou_added_by_root_on_the_page(server: ArchiveServer, root: str, zhou: str, *,
                                    language: str | None = None,
                                    **fields: str) -> httpx.Response:
    """The admin ``root``, signed in, sends the accounts page's form adding the staff
    member ``zhou`` with ``fields`` (clearance, department) typed; the page in ``language``
    if given, else in Chinese as it opens."""
    browser = signed_in(server.url, root)
    if language:
        browser.cookies.set("archive_language", language)
    try:
        return browser.post("/ui/admin/users", data={
            "_csrf_token": browser.cookies["archive_csrf"], "username": zhou,
            "roles": "staff", "password": "a long enough password",
            "password_again": "a long enough password", **fields})
    finally:
        browser.close()


def test_the_accounts_page_says_in_chinese_that_an_admin_adds_nobody_above_their_clearance(
        server: ArchiveServer) -> None:
    server.add_user("root.clearance", "admin")
    added = _zhou_added_by_root_on_the_page(server, "root.clearance", "zhou.secret",
                                            clearance="secret", department="")
    assert added.status_code == 422
    assert "您不能创建密级权限高于您自己的账号" in added.text
    assert "请由具有该密级权限的系统管理员办理" in added.text


def test_the_english_accounts_page_takes_a_department_by_the_english_name_it_shows(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.english", "admin")
    added = _zhou_added_by_root_on_the_page(server, "root.english", "zhou.en",
                                            language="en",
                                            clearance="ordinary", department="Customer Service")
    assert added.status_code in (200, 303), added.text
    with server.client(admin) as client:
        assert client.get("/registry/users/zhou.en").json()["department"] == "customer_service"


def test_the_sign_in_page_takes_a_username_typed_in_full_width_or_capitals(
        server: ArchiveServer) -> None:
    """An input method left in full width types ｓｕｎ．ｗｉｄｅ; Caps Lock types SUN.WIDE:
    both were told only that the username or password was wrong."""
    server.add_user("sun.wide", "staff")
    with server.client() as browser:
        browser.get("/ui/login")
        answers = [browser.post("/ui/login", data={
            "username": typed, "password": PASSWORD, "next": "",
            "_csrf_token": browser.cookies["archive_csrf"]}) for typed in (
                "ｓｕｎ．ｗｉｄｅ", "SUN.WIDE")]
    assert [answer.status_code for answer in answers] == [303, 303]
