"""The SSRF guard on its own: internal addresses refused in every spelling (IPv4, IPv6,
IPv4-mapped, names that resolve to them), unless the host is explicitly allowed; the
client connects to the address that was checked, not to a second lookup."""

import pytest

from frontdesk.webhooks import client, guard
from frontdesk.webhooks.tests.receiver import running_receiver

PUBLIC = "93.184.215.14"


class stub:  # noqa: N801 (used like a function)
    """A resolver that knows only `table` (host -> addresses) and counts its lookups."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError("unknown host")
        return list(self.table[host])


NO_DNS = stub({})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/hook", "loopback"),
        ("http://10.0.0.1/hook", "private"),
        ("http://10.255.255.254/hook", "private"),
        ("http://172.16.5.4/hook", "private"),
        ("http://192.168.1.1/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://169.254.1.1/hook", "link-local"),
        ("http://100.64.0.1/hook", "CGNAT"),
        ("http://100.100.100.200/hook", "metadata"),
        ("http://0.0.0.0/hook", "reserved"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::1]:8443/hook", "loopback"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fd00:ec2::254]/hook", "metadata"),
        ("http://[fc00::5]/hook", "private"),
        ("http://[::ffff:127.0.0.1]/hook", "embeds 127.0.0.1, a loopback"),
        ("http://[::ffff:10.1.2.3]/hook", "embeds 10.1.2.3, a private"),
        ("http://[::ffff:169.254.169.254]/hook", "metadata"),
        ("http://[2002:7f00:1::]/hook", "embeds 127.0.0.1"),  # 6to4
        ("http://[64:ff9b::a00:1]/hook", "embeds 10.0.0.1"),  # NAT64
        ("http://[::]/hook", "reserved"),
    ],
)
def test_internal_addresses_are_refused(url, reason):
    with pytest.raises(guard.Refused) as refused:
        guard.resolve_target(url, resolve=NO_DNS)
    assert reason in refused.value.reason


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("intranet.example", "10.0.0.7"),
        ("metadata.example", "169.254.169.254"),
        ("six.example", "::1"),
        ("mapped.example", "::ffff:127.0.0.1"),
    ],
)
def test_a_name_that_resolves_to_an_internal_address_is_refused(host, address):
    resolve = stub({host: [address]})
    with pytest.raises(guard.Refused) as refused:
        guard.resolve_target(f"https://{host}/hook", resolve=resolve)
    assert refused.value.reason.startswith(f"{host} (")
    assert resolve.calls == [host]


def test_localhost_is_refused_by_the_real_resolver():
    with pytest.raises(guard.Refused):
        guard.resolve_target("http://localhost:9/hook")


def test_obfuscated_loopback_spellings_are_judged_by_what_they_resolve_to():
    for host in ("2130706433", "0x7f.1", "127.1", "017700000001"):
        with pytest.raises(guard.Refused):
            guard.resolve_target(f"http://{host}/hook")


def test_one_internal_address_among_several_refuses_the_host():
    resolve = stub({"mixed.example": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(guard.Refused):
        guard.resolve_target("https://mixed.example/hook", resolve=resolve)


def test_public_addresses_pass_and_the_checked_address_is_the_target():
    resolve = stub({"hooks.example": [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    target = guard.resolve_target("https://hooks.example/in?x=1", resolve=resolve)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example",
        443,
        "/in?x=1",
    )
    assert target.ip == PUBLIC
    assert not target.allowed


def test_an_allowed_host_may_be_internal():
    resolve = stub({"crm.internal": ["10.0.0.7"]})
    target = guard.resolve_target(
        "http://crm.internal:8080/hook", allowed_hosts=["CRM.internal"], resolve=resolve
    )
    assert (target.ip, target.port, target.allowed) == ("10.0.0.7", 8080, True)
    assert guard.resolve_target("http://[::1]/", allowed_hosts=["::1"], resolve=NO_DNS).allowed
    with pytest.raises(guard.Refused):  # another internal host is still refused
        guard.resolve_target("http://10.0.0.8/", allowed_hosts=["crm.internal"], resolve=NO_DNS)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/",
        "file:///etc/passwd",
        "gopher://hooks.example/",
        "https://user:pass@hooks.example/",
        "https:///nohost",
        "https://hooks.example/a b",
        "https://hooks.example:99999/",
        "https://hooks.example/#frag",
        "",
        "https://hooks.example/" + "a" * 2100,
    ],
)
def test_malformed_or_unsupported_urls_are_refused(url):
    with pytest.raises(guard.Refused):
        guard.resolve_target(url, resolve=stub({"hooks.example": [PUBLIC]}))


def test_the_client_connects_to_the_checked_address_with_the_original_host():
    """DNS rebinding: the name is resolved once, by the guard; the client never looks it up
    again (here the name does not resolve at all), and sends it as the Host header."""
    with running_receiver() as receiver:
        resolve = stub({"rebind.example": ["127.0.0.1"]})
        target = guard.resolve_target(
            f"http://rebind.example:{receiver.port}/hook",
            allowed_hosts=["rebind.example"],
            resolve=resolve,
        )
        answer = client.post(target, b"{}", {}, timeout=2, max_bytes=1024)
    assert answer.status == 200
    assert resolve.calls == ["rebind.example"]
    assert receiver.received[0].headers["Host"] == f"rebind.example:{receiver.port}"


def test_the_answer_is_read_only_up_to_the_limit():
    with running_receiver() as receiver:
        target = guard.resolve_target(receiver.url, allowed_hosts=["127.0.0.1"], resolve=NO_DNS)
        answer = client.post(target, b"{}", {}, timeout=2, max_bytes=5)
    assert answer.body == b'{"ok"'
