#!/usr/bin/python3
"""mail_link.py DIR N KIND: the URL of kind u (unsubscribe, from the
List-Unsubscribe header), c (the first tracked link) or o (the open pixel)
in the Nth message (from 1) the test SMTP server received, as sent."""
import email, glob, re, sys
from email import policy

path = sorted(glob.glob(sys.argv[1] + "/*.eml"))[int(sys.argv[2]) - 1]
m = email.message_from_binary_file(open(path, "rb"), policy=policy.default)
kind = sys.argv[3]
if kind == "u":
    print(m["List-Unsubscribe"].strip("<>"))
else:
    html = [p.get_content() for p in m.walk() if p.get_content_type() == "text/html"][0]
    print(re.search(r'"(https?://[^"]*/%s/[^"]+)"' % kind, html).group(1))
