#!/usr/bin/env bash
# browser_page.sh: writes www/page.html, a landing page that embeds tp.js from
# the server in ./port with the write key in ./key, queues a call, identifies,
# clicks a download link and then submits the demo form.
set -eu
mkdir -p www
port=$(cat port) key=$(cat key)
cat >www/page.html <<HTML
<!doctype html><html><head><title>Pricing</title>
<script>window.touchpoint = {q: [["track", "Demo Requested", {plan: "pro"}]], key: "$key"};</script>
<script src="http://127.0.0.1:$port/tp.js"></script>
</head><body>
<a id="dl" href="/files/whitepaper.pdf">Whitepaper</a>
<form id="f" method="post" action="http://127.0.0.1:$port/v1/forms/demo?writeKey=$key">
<input name="email" value="ana@acme.com"><input name="company" value="Acme"></form>
<script>
touchpoint.identify({email: "ana@acme.com", title: "CMO"});
var a = document.getElementById("dl");
a.addEventListener("click", function (e) { e.preventDefault(); });
a.click();
document.body.setAttribute("data-aid", touchpoint.anonymousId());
/* Submit once the calls above have gone: the form leaves the page. */
setTimeout(function () { document.getElementById("f").requestSubmit(); }, 500);
</script></body></html>
HTML
echo '<!doctype html><html><body><p id="thanks">Thanks</p></body></html>' >www/thanks.html
