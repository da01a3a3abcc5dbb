"""What every response must carry (README.md, 'Security headers'), as checks any test can run on any page.

`header_problems(response)` reads a response's headers; `inline_code_problems(html, policy)` finds what
the policy would block in a page (inline scripts and styles that are not hashed, style="..." and on...=
attributes, javascript: links), so a page added later is held to the policy without a browser;
`PolicyWatch` records what a real browser (Chromium, Playwright) refuses on the pages it visits.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

REQUIRED_DIRECTIVES = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Anything that lets injected code or styles run, in any directive.
FORBIDDEN_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")
# The features turned off (a sample of PERMISSIONS_POLICY: the ones the issue names, at least).
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Features phones' Chrome (Android) implements and Debian's desktop Chromium does not know: it warns
# "Unrecognized feature" for them, which is no fault of the header.
NOT_ON_DESKTOP_CHROMIUM = ("bluetooth", "web-share")
_JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript"}


def parsed_policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = words[1:]
    return policy


def header_problems(response, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every way this response's security headers fall short, one line each (none: all is well)."""
    header = response.get("Content-Security-Policy")
    if not header:
        return [f"{where}: no Content-Security-Policy"]
    problems = []
    policy = parsed_policy(header)
    for directive, sources in REQUIRED_DIRECTIVES.items():
        if policy.get(directive) != sources:
            problems.append(f"{where}: {directive} is {policy.get(directive)}, not {sources}")
    for directive, sources in policy.items():
        if bad := [source for source in sources if source.lower() in FORBIDDEN_SOURCES]:
            problems.append(f"{where}: {directive} allows {bad}")
    for kind in ("script-src", "style-src"):
        # A kind without its own directive falls back on default-src, checked above.
        if "data:" in policy.get(kind, []):
            problems.append(f"{where}: {kind} allows data: URLs")
    permissions = {
        item.split("=", 1)[0].strip(): item.split("=", 1)[-1].strip()
        for item in response.get("Permissions-Policy", "").split(",")
    }
    for feature in FEATURES_OFF:
        if permissions.get(feature) != "()":
            problems.append(f"{where}: Permissions-Policy leaves {feature} on ({permissions.get(feature)})")
    for name, value in OTHER_HEADERS.items():
        if response.get(name) != value:
            problems.append(f"{where}: {name} is {response.get(name)!r}, not {value!r}")
    return problems


def source_hash(text: str) -> str:
    """The CSP source that allows this inline script's or style's text, exactly as the page has it."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class _InlineCode(HTMLParser):
    def __init__(self, policy: dict[str, list[str]]) -> None:
        super().__init__(convert_charrefs=False)
        self.policy, self.problems = policy, []
        self._inline: tuple[str, str] | None = None  # (tag, directive) of an open inline <script>/<style>
        self._text: list[str] = []

    def _allowed(self, directive: str) -> list[str]:
        return self.policy.get(directive, self.policy.get("default-src", []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an inline event handler")
            elif name == "style":
                self.problems.append(f"<{tag} style={value!r}>: an inline style attribute")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: URL")
        script = tag == "script" and "src" not in attributes
        if script and (attributes.get("type") or "").strip().lower() not in _JAVASCRIPT_TYPES:
            script = False  # a data block (json_script): never run, so never blocked
        if script or tag == "style":
            self._inline = (tag, "script-src" if tag == "script" else "style-src")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._inline:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._inline and tag == self._inline[0]:
            text = "".join(self._text)
            if source_hash(text) not in self._allowed(self._inline[1]):
                self.problems.append(f"<{tag}>{text[:80]!r}...: inline, and its hash is not in {self._inline[1]}")
            self._inline = None


def inline_code_problems(html: str, policy_header: str) -> list[str]:
    """What in this page the policy would refuse to run or apply: inline code it has no hash for."""
    parser = _InlineCode(parsed_policy(policy_header))
    parser.feed(html)
    parser.close()
    return parser.problems


# Runs in every page before its own scripts: the browser's reports of what the policy refused.
_RECORD_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__policyViolations.push(
    event.violatedDirective + " refused " + (event.blockedURI || "inline") + " at " +
    event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
"""


class PolicyWatch:
    """What Chromium refused on the pages of a browser context: CSP violations (the page's own event,
    and the console's "Content Security Policy" errors) and a Permissions-Policy header it could not read.

    Create it before the context's first page; call `visited(page, name)` after each page.
    """

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        self.problems: list[str] = []
        context.add_init_script(_RECORD_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if any(f"Unrecognized feature: '{feature}'" in text for feature in NOT_ON_DESKTOP_CHROMIUM):
            return
        if "Content Security Policy" in text or "Permissions-Policy" in text or "Permissions policy" in text:
            self.problems.append(f"console ({message.type}) at {message.location.get('url')}: {text}")

    def visited(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.evaluate("new Promise(resolve => setTimeout(resolve, 0))")  # reports queued as tasks arrive
        for violation in page.evaluate("window.__policyViolations || []"):
            self.problems.append(f"{name} [{page.url}]: {violation}")
        page.evaluate("window.__policyViolations = []")

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} refused by the browser:\n" + "\n".join(self.problems)
