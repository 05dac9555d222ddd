"""Screenshots of the real web client, for the docs and for checking a change by eye.

Usage: screenshot.py URL_PATH OUTPUT.png [--lang fr_FR] [--base http://127.0.0.1:8069]
                     [--db adv_dossier] [--login admin --password admin] [--wait 4]
                     [--size 1440x900] [--click CSS_SELECTOR ...]

Logs in with Chromium (headless, Debian's package), optionally switches the user's
language, opens URL_PATH (e.g. /odoo/action-adv_dossier.action_adv_dossier) and saves a PNG.
A report URL (/report/pdf/<report name>/<ids>) saves the first page of the PDF instead
(pdftoppm, Debian's poppler-utils).
Needs websocket-client (installed in the project's virtualenv).
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("output")
    parser.add_argument("--base", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="adv_dossier")
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

    profile = tempfile.mkdtemp(prefix="adv_chromium_")
    port = 9333
    browser = subprocess.Popen(
        [
            shutil.which("chromium") or "chromium",
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
