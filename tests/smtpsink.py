#!/usr/bin/python3
"""A minimal SMTP server for the tests: accepts on 127.0.0.1, writes each
message it receives to OUT/N.eml with its envelope in OUT/N.env, and writes
its port to OUT/port once it listens.

  smtpsink.py OUT [refuse-rcpt]
      refuse-rcpt: answer every RCPT TO with 550 (a permanent refusal)
Runs until killed.
"""
import os
import socketserver
import sys

OUT = sys.argv[1]
REFUSE = len(sys.argv) > 2 and sys.argv[2] == "refuse-rcpt"
count = 0


class Session(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        global count
        envelope = []
        self.reply("220 sink.invalid ESMTP test sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("latin-1").strip()
            upper = verb.upper()
            if upper.startswith("EHLO") or upper.startswith("HELO"):
                self.wfile.write(b"250-sink.invalid\r\n250 8BITMIME\r\n")
            elif upper.startswith("MAIL FROM:"):
                envelope = [verb]
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                envelope.append(verb)
                self.reply("550 5.1.1 no such user here" if REFUSE else "250 OK")
            elif upper == "DATA":
                self.reply("354 go ahead")
                chunks = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                data = b"".join(chunks)
                count += 1
                with open(os.path.join(OUT, "%d.eml" % count), "wb") as f:
                    f.write(data)
                with open(os.path.join(OUT, "%d.env" % count), "w") as f:
                    f.write("\n".join(envelope) + "\n")
                self.reply("250 OK queued as %d" % count)
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


server = socketserver.TCPServer(("127.0.0.1", 0), Session)
with open(os.path.join(OUT, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(OUT, "port.tmp"), os.path.join(OUT, "port"))
server.serve_forever()
