"""Screenshots of the agent workspace for docs/screenshots/ (shown in the README).

Run against a demo instance (`make run`, which loads the demo data on first start):

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000

It signs in as the first demo agent with the demo password through the real sign-in form,
and writes <page>-desktop.png (1280x800) and <page>-phone.png (390x844).
"""

import argparse
import ipaddress
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            sys.exit(f"refusing a non-loopback address: {host}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="maya@demo.frontdesk.test")
    parser.add_argument("--password", default="frontdesk-demo")
    args = parser.parse_args()
    loopback_only(args.url)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                base_url=args.url, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.screenshot(path=OUT / f"sign-in-{size}.png")
            page.get_by_label("Email").fill(args.email)
            page.get_by_label("Password").fill(args.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/desk/")
            page.screenshot(path=OUT / f"home-{size}.png")
            page.goto("/desk/views/open/")
            page.screenshot(path=OUT / f"list-{size}.png")
            page.locator("a.list__subject").first.click()
            page.wait_for_selector("#thread")
            page.screenshot(path=OUT / f"ticket-{size}.png", full_page=size == "desktop")
            page.goto("/desk/tickets/new/")
            page.screenshot(path=OUT / f"new-ticket-{size}.png")
            context.close()
        browser.close()
    sys.stdout.write(f"screenshots written to {OUT}\n")


if __name__ == "__main__":
    main()
