"""A local mail server for the classroom database: Odoo sends its e-mails to it, and it keeps
each one as a ``.eml`` file (open it with any mail reader) instead of sending it on.

Usage: mail_sink.py PORT FOLDER   (listens on 127.0.0.1 only; started by tools/run)
"""

import socketserver
import sys
import time
from pathlib import Path


class SmtpHandler(socketserver.StreamRequestHandler):
    """The part of SMTP that Odoo's smtplib client speaks: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 adv_dossier mail sink")
        recipients = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 adv_dossier mail sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.keep(recipients, b"".join(lines))
                self.reply("250 OK: kept")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class MailSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, folder):
        super().__init__(("127.0.0.1", port), SmtpHandler)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def keep(self, recipients, message):
        self.count += 1
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.eml"
        header = f"X-Sink-Recipients: {', '.join(recipients)}\r\n".encode()
        (self.folder / name).write_bytes(header + message)


if __name__ == "__main__":
    with MailSink(int(sys.argv[1]), sys.argv[2]) as sink:
        sink.serve_forever()
