#!/usr/bin/python3
"""mail_show.py DIR: one line per message the test SMTP server received, in
order: recipient, subject, whether it carries the RFC 8058 headers with an
unsubscribe URL, and its parts decoded (text first line, then the HTML with
tracking tokens replaced by TOKEN)."""
import email, glob, json, re, sys
from email import policy

for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=policy.default)
    env = json.load(open(path[:-4] + ".json"))
    unsub = m.get("List-Unsubscribe", "")
    one_click = m.get("List-Unsubscribe-Post", "") == "List-Unsubscribe=One-Click"
    parts = {p.get_content_type(): p.get_content() for p in m.walk()
             if p.get_content_maintype() == "text"}
    tok = lambda s: re.sub(r"/(u|o|c)/[A-Za-z0-9_-]{40,}", r"/\1/TOKEN", s)
    print("to=%s subject=%s unsubscribe=%s one-click=%s" %
          (",".join(env["to"]), m["Subject"], tok(unsub) or "-", one_click))
    print("  text: " + tok(parts.get("text/plain", "")).replace("\n", "|"))
    if "text/html" in parts:
        print("  html: " + tok(parts["text/html"]))
