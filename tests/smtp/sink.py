"""A real SMTP server on loopback for the tests (aiosmtpd): every message it accepts is
parsed with Python's email package and written to OUT_DIR as one JSON file: envelope,
headers, the text body and, per attachment, its file name, type and SHA-256.

    python3 tests/smtp/sink.py OUT_DIR     # prints "port N" once it listens on 127.0.0.1
"""

import asyncio
import hashlib
import json
import os
import sys
from email import policy
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        body = msg.get_body(preferencelist=("plain",))
        attachments = []
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True) or b""
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
            )
        self.n += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "body": body.get_content() if body is not None else "",
            "raw": envelope.original_content.decode("utf-8", "replace"),
            "attachments": attachments,
        }
        path = os.path.join(self.out_dir, f"{self.n:04d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 OK"


async def main(out_dir):
    handler = Handler(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
