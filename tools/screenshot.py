"""Screenshots of the real web client, for the docs and for checking a change by eye.

Usage: tools/screenshot URL_PATH OUTPUT.png [--lang fr_FR] [--base http://127.0.0.1:8069]
                        [--db adv_dossier] [--login admin --password admin] [--wait 4]
                        [--size 1440x900] [--click CSS_SELECTOR ...]

Logs in with Chromium (headless, Debian's package) to the server of tools/run (its
ADV_HTTP_PORT and ADV_DB by default), optionally switches the user's language, opens
URL_PATH (e.g. /odoo/action-adv_dossier.action_adv_dossier) and saves a PNG.
A report URL (/report/pdf/<report name>/<ids>) saves the first page of the PDF instead
(pdftoppm, Debian's poppler-utils).
tools/screenshot runs this with the project's virtualenv (websocket-client); Chromium and
poppler-utils are installed with apt-get when missing and root, else named.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


def need(command, package):
    """The path of ``command``: Debian's ``package`` is installed first when it is missing and
    we are root; otherwise the error names the package."""
    path = shutil.which(command)
    if not path and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"[adv] installing Debian's {package} (for {command})", file=sys.stderr)
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        quiet = {"stdout": subprocess.DEVNULL, "env": env, "check": False}
        if subprocess.run(install, **quiet).returncode:
            subprocess.run(["apt-get", "update", "-qq"], **quiet)
            subprocess.run(install, **quiet)
        path = shutil.which(command)
    if not path:
        raise SystemExit(
            f"{command} not found: install Debian's {package} (sudo apt-get install {package})"
        )
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})

    def js(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def goto(self, url, wait):
        self.call("Page.navigate", url=url)
        time.sleep(wait)

    def wait_for(self, selector, timeout=60):
        """Wait until ``selector`` is in the page: the first visit of a new database builds
        the web client's assets, which takes longer than ``--wait``."""
        deadline = time.monotonic() + timeout
        while not self.js(f"!!document.querySelector({json.dumps(selector)})"):
            if time.monotonic() > deadline:
                print(f"[adv] {selector} not in the page after {timeout} s", file=sys.stderr)
                return
            time.sleep(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("output")
    parser.add_argument(
        "--base", default=f"http://127.0.0.1:{os.environ.get('ADV_HTTP_PORT') or 8069}"
    )
    parser.add_argument("--db", default=os.environ.get("ADV_DB") or "adv_dossier")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang")
    parser.add_argument("--wait", type=float, default=4)
    parser.add_argument(
        "--click", action="append", default=[], help="CSS selector to click first (repeatable)"
    )
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    chromium = need("chromium", "chromium")
    if args.path.startswith("/report/pdf/"):
        need("pdftoppm", "poppler-utils")
    profile = tempfile.mkdtemp(prefix="adv_chromium_")
    port = free_port()
    browser = subprocess.Popen(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pages = []
        for _attempt in range(50):
            try:
                targets = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2)
                )
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not pages:
            raise SystemExit(
                "Chromium did not start headless (try: chromium --headless about:blank)"
            )
        page = Page(pages[0]["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.goto(f"{args.base}/web/login", 2)
        auth = page.js(
            f"""fetch('/web/session/authenticate', {{method: 'POST',
                headers: {{'Content-Type': 'application/json'}},
                body: JSON.stringify({{jsonrpc: '2.0', method: 'call', params: {{
                    db: {json.dumps(args.db)}, login: {json.dumps(args.login)},
                    password: {json.dumps(args.password)}}}}})
            }}).then(r => r.json()).then(d => d.error ? d.error.data.message : 'ok')"""
        )
        if auth != "ok":
            raise SystemExit(f"login failed: {auth}")
        if args.lang:
            rpc = """(url, params) => fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({jsonrpc: '2.0', method: 'call', params})}).then(r => r.json())"""
            page.js(
                f"""(async () => {{
                const rpc = {rpc};
                const info = await rpc('/web/session/get_session_info', {{}});
                return rpc('/web/dataset/call_kw/res.users/write', {{model: 'res.users', method: 'write',
                    args: [[info.result.uid], {{lang: {json.dumps(args.lang)}}}], kwargs: {{}}}});
                }})()"""
            )
        if args.path.startswith("/report/pdf/"):
            save_report_page(page, args)
            return
        page.goto(f"{args.base}{args.path}", args.wait)
        if args.path.startswith(("/odoo", "/web")):
            page.wait_for(".o_action_manager > *")
            time.sleep(1)
        for selector in args.click:
            page.js(f"document.querySelector({json.dumps(selector)})?.click()")
            time.sleep(2)
        data = page.call("Page.captureScreenshot", format="png")["data"]
        with open(args.output, "wb") as out:
            out.write(base64.b64decode(data))
        print(args.output)
    finally:
        browser.terminate()
        browser.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


def save_report_page(page, args):
    """A PDF report (``/report/pdf/<report>/<ids>``), fetched in the logged-in session: its
    first page as a PNG (pdftoppm, Debian's poppler-utils)."""
    data = page.js(
        f"""fetch({json.dumps(args.path)}).then(r => r.arrayBuffer()).then(buffer => {{
            const bytes = new Uint8Array(buffer); let text = '';
            for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
            return btoa(text); }})"""
    )
    pdf = base64.b64decode(data)
    if not pdf.startswith(b"%PDF"):
        raise SystemExit(f"not a PDF: {pdf[:200]!r}")
    with tempfile.TemporaryDirectory() as folder:
        source = f"{folder}/report.pdf"
        with open(source, "wb") as out:
            out.write(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                f"{folder}/page",
            ],
            check=True,
        )
        shutil.copy(f"{folder}/page.png", args.output)
    print(args.output)


if __name__ == "__main__":
    main()
