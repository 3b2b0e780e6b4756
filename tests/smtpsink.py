#!/usr/bin/python3
"""A small SMTP server for the tests, for what a real MTA will not play on
demand: accepts on 127.0.0.1, writes each message it receives to OUT/N.eml
with its envelope in OUT/N.env, every command line of every session to
OUT/session.log, and its port to OUT/port once it listens.

  smtpsink.py OUT [MODE...]
      refuse-rcpt   answer every RCPT TO with 550 5.1.1
      size-limit=N  offer SIZE N; a MAIL FROM with a larger SIZE gets 552 5.3.4
      drop          close the connection right after the greeting
      greet421      greet with 421 4.3.2 and close
      stall         accept the connection and never answer
      long-ehlo     answer EHLO with 400 lines of extensions (some 10 KB)
      plain-codes   refuse every RCPT TO with a bare 550, no RFC 3463 status
Whatever the mode, RCPT TO for a local part starting "unknown" gets
550 5.1.1 and one starting "busy" gets 451 4.2.1.
Runs until killed.
"""
import os
import re
import socketserver
import sys

OUT = sys.argv[1]
MODES = sys.argv[2:]
REFUSE = "refuse-rcpt" in MODES
LIMIT = next((int(m.split("=", 1)[1]) for m in MODES if m.startswith("size-limit=")), None)
count = 0


class Session(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def log(self, line):
        with open(os.path.join(OUT, "session.log"), "a") as f:
            f.write(line + "\n")

    def handle(self):
        global count
        envelope = []
        self.log("CONNECT")
        if "stall" in MODES:
            self.rfile.read()  # until the client goes
            return
        if "greet421" in MODES:
            self.reply("421 4.3.2 sink.invalid closing, try later")
            return
        self.reply("220 sink.invalid ESMTP test sink")
        if "drop" in MODES:
            return
        while True:
            line = self.rfile.readline()
            if not line:
                self.log("CLOSED")
                return
            verb = line.decode("latin-1").strip()
            upper = verb.upper()
            self.log(verb)
            if upper.startswith("EHLO") and "long-ehlo" in MODES:
                self.wfile.write("".join("250-X-EXTENSION-%03d\r\n" % i for i in range(400)).encode() + b"250 OK\r\n")
            elif upper.startswith("EHLO") or upper.startswith("HELO"):
                size = "250-SIZE %d\r\n" % LIMIT if LIMIT else ""
                self.wfile.write(("250-sink.invalid\r\n%s250 8BITMIME\r\n" % size).encode())
            elif upper.startswith("MAIL FROM:"):
                declared = re.search(r" SIZE=(\d+)", upper)
                if LIMIT and declared and int(declared.group(1)) > LIMIT:
                    self.reply("552 5.3.4 message size exceeds fixed limit")
                    continue
                envelope = [verb]
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                local = upper[len("RCPT TO:<"):]
                if "plain-codes" in MODES:
                    self.reply("550 no such user here")
                elif REFUSE or local.startswith("UNKNOWN"):
                    self.reply("550 5.1.1 <%s>: Recipient address rejected: User unknown" % verb[9:-1])
                elif local.startswith("BUSY"):
                    self.reply("451 4.2.1 <%s>: mailbox busy, try again later" % verb[9:-1])
                else:
                    envelope.append(verb)
                    self.reply("250 OK")
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


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that gives up on a reply (long-ehlo) resets the line: not a fault of the sink
        if sys.exc_info()[0] is ConnectionResetError:
            return
        super().handle_error(request, client_address)


server = Server(("127.0.0.1", 0), Session)
with open(os.path.join(OUT, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(OUT, "port.tmp"), os.path.join(OUT, "port"))
server.serve_forever()
