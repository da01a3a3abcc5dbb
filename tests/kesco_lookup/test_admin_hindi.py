"""The staff admin in plain Hindi: our overrides of Django's own admin strings.

Django's Hindi for its admin is thin and often wrong ("उपभोक्ताऐं" for Users means consumers, and is
misspelt) and leaves much in English. overrides/locale replaces it (see docs/admin.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.helpers import ramesh, sign_in

ROOT = Path(settings.BASE_DIR)
OVERRIDES = ROOT / "overrides" / "locale" / "hi" / "LC_MESSAGES"
DJANGO = Path(django.__file__).parent

# What a reviewer found in the admin: Django's misspelt or wrong words, and English left over.
WRONG_HINDI = ["उपभोक्ताऐं", "वर्गों", "बढाएं", "के बदली के लिए चयन करें", "बदलो", "कूटशब्द", "छन्नी", "नवमबर"]
ENGLISH_LEFT = [
    "Authentication and Authorization",
    "Recent actions",
    "My actions",
    ">View<",
    "to view",
    "to change",
    "Show counts",
    "Start typing to filter",
    "Toggle theme",
    "Toggle navigation",
    "View site",
    "Log out",
    "Change password",
    "Welcome,",
]


@pytest.fixture
def administrator() -> Client:
    user = User.objects.create_superuser("admin", password="pw-admin-123")
    client = Client()
    sign_in(client, user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _visible_text(html: str) -> str:
    # What a person reads: the text between tags, without scripts and the hidden SVG sprites.
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_the_admin_home_page_speaks_plain_hindi(administrator):
    html = _page(administrator, "/staff/")
    for words in [
        "उपयोगकर्ता",
        "समूह",
        "जोड़ें",
        "बदलें",
        "हाल की गतिविधियाँ",
        "मेरी गतिविधियाँ",
        "लॉगिन और अनुमतियाँ",
        "साइट देखें",
        "पासवर्ड बदलें",
        "लॉग आउट करें",
        "रंग-रूप बदलें",
    ]:
        assert words in html, words
    text = _visible_text(html)
    for leftover in [*WRONG_HINDI, *ENGLISH_LEFT]:
        assert leftover not in text, leftover


@pytest.mark.django_db
def test_the_mapping_list_speaks_plain_hindi(administrator):
    ramesh()
    html = _page(administrator, "/staff/accounts/accountmapping/")
    for words in ["बदलने के लिए खाता मैपिंग चुनें", "फ़िल्टर", "गिनती दिखाएँ", "फ़िल्टर करने के लिए लिखें…", "मुखपृष्ठ"]:
        assert words in html, words
    text = _visible_text(html)
    for leftover in [*WRONG_HINDI, *ENGLISH_LEFT, "Filter", "Select"]:
        assert leftover not in text, leftover


@pytest.mark.django_db
def test_a_view_only_page_says_view_in_hindi():
    user = User.objects.create_user("priya", password="pw-priya-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_accountmapping", "view_user"]))
    client = Client()
    sign_in(client, user)
    mapping = ramesh()
    assert "देखने के लिए खाता मैपिंग चुनें" in _page(client, "/staff/accounts/accountmapping/")
    assert "देखने के लिए उपयोगकर्ता चुनें" in _page(client, "/staff/auth/user/")
    html = _page(client, f"/staff/accounts/accountmapping/{mapping.pk}/change/")
    assert "खाता मैपिंग देखें" in html and "बंद करें" in html


@pytest.mark.django_db
def test_the_change_form_and_the_delete_confirmation_speak_plain_hindi(administrator):
    mapping = ramesh()
    html = _page(administrator, f"/staff/accounts/accountmapping/{mapping.pk}/change/")
    for words in ["खाता मैपिंग बदलें", "सहेजें", "सहेजें और बदलाव जारी रखें", "सहेजें और एक और जोड़ें", "हटाएँ", "इतिहास"]:
        assert words in html, words
    html = _page(administrator, f"/staff/accounts/accountmapping/{mapping.pk}/delete/")
    assert "हाँ, मुझे यक़ीन है" in html and "नहीं, वापस जाएँ" in html
    assert "Yes, I’m sure" not in html


@pytest.mark.django_db
def test_the_login_and_password_pages_speak_plain_hindi(administrator):
    html = _page(Client(), "/staff/login/")
    assert "यूज़रनेम" in html and "पासवर्ड" in html and "लॉग इन करें" in html
    assert "कूटशब्द" not in html and "प्रयोक्ता" not in html
    html = _page(administrator, "/staff/password_change/")
    assert "पुराना पासवर्ड" in html and "मेरा पासवर्ड बदलें" in html


@pytest.mark.django_db
def test_the_admin_javascript_speaks_plain_hindi(administrator):
    # The action bar's "2 of 10 selected" and the calendar come from the admin's JavaScript catalogue.
    script = _page(administrator, "/staff/jsi18n/")
    for words in ["%(cnt)s में से %(sel)s चुने गए", "नवंबर", "बीता कल", "समय चुनें"]:
        assert json.dumps(words)[1:-1] in script, words


# --- The overrides catalogue itself ---------------------------------------------------------------


def _catalogue(path: Path) -> dict[tuple[str, str | None], tuple[tuple[str, ...], tuple[str, ...]]]:
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="hi")
    return {
        (message.id if isinstance(message.id, str) else message.id[0], message.context): (
            message.id if isinstance(message.id, tuple) else (message.id,),
            message.string if isinstance(message.string, tuple) else (message.string,),
        )
        for message in catalogue
        if message.id
    }


DJANGOS_CATALOGUES = [
    ("django.po", "contrib/admin/locale/en/LC_MESSAGES/django.po"),
    ("django.po", "contrib/auth/locale/en/LC_MESSAGES/django.po"),
    ("django.po", "contrib/contenttypes/locale/en/LC_MESSAGES/django.po"),
    ("djangojs.po", "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"),
]


@pytest.mark.parametrize(("ours", "djangos"), DJANGOS_CATALOGUES, ids=lambda value: value)
def test_the_overrides_cover_every_string_of_djangos_admin(ours, djangos):
    # After a Django upgrade this names the admin's new strings: add them to overrides/ (docs/admin.md).
    missing = set(_catalogue(DJANGO / djangos)) - set(_catalogue(OVERRIDES / ours))
    assert missing == set()


def _package_strings(*packages) -> set[str]:
    # Their own catalogues lag behind their code (and have no English one): read the code instead.
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "gettext_lazy": None, "ngettext_lazy": (1, 2), "pgettext_lazy": ((1, "c"), 2)}
    found = set()
    for package in packages:
        root = Path(package.__file__).parent
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map=[("**/tests/**", "ignore"), ("**.py", "python")], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_overrides_cover_every_string_of_axes_and_django_otp():
    # The sign-in's packages: the failed sign-ins page (django-axes) and django-otp's messages. After
    # upgrading either, this names their new strings.
    import axes
    import django_otp

    ours = {msgid for msgid, _context in _catalogue(OVERRIDES / "django.po")}
    assert _package_strings(axes, django_otp) - ours == set()


@pytest.mark.django_db
def test_the_failed_sign_ins_page_speaks_plain_hindi(administrator):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="sunita", ip_address="203.0.113.9", user_agent="Firefox", failures_since_start=3, path_info="/staff/"
    )
    html = _page(administrator, "/staff/axes/accessattempt/")
    for words in ["असफल लॉग इन", "लॉग इन की कोशिशें", "IP पता", "कोशिश का समय", "कोशिशें बाकी", "लॉग इन रुका है"]:
        assert words in html, words
    text = _visible_text(html)
    for leftover in [*WRONG_HINDI, *ENGLISH_LEFT, "Attempt Remaining", "Failed Logins", "Axes", "Status"]:
        assert leftover not in text, leftover


@pytest.mark.parametrize("ours", ["django.po", "djangojs.po"])
def test_the_overrides_keep_every_placeholder_of_the_original(ours):
    # Any kind: %(name)s, %s, %d, %(key)r and {name}. A dropped one breaks or garbles the page.
    placeholder = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")
    broken = [
        ids[0]
        for ids, strings in _catalogue(OVERRIDES / ours).values()
        for string in strings
        if not string or sorted(placeholder.findall(string)) != sorted(placeholder.findall(ids[-1]))
    ]
    assert broken == []


def test_the_overrides_never_change_what_an_app_already_says():
    # LOCALE_PATHS win over the apps' catalogues on every page, the consumers' too: where an app
    # translates one of Django's msgids itself, the overrides must say the same (the first app in
    # INSTALLED_APPS is what the site shows today).
    said_by_apps: dict = {}
    for app_config in apps.get_app_configs():
        path = Path(app_config.path) / "locale" / "hi" / "LC_MESSAGES" / "django.po"
        if ROOT in path.parents and ".venv" not in path.parts and path.exists():  # our apps, not Django's
            for key, (_ids, strings) in _catalogue(path).items():
                said_by_apps.setdefault(key, strings)
    ours = _catalogue(OVERRIDES / "django.po")
    differ = {key: (strings, said_by_apps[key]) for key, (_ids, strings) in ours.items() if key in said_by_apps}
    assert {key: pair for key, pair in differ.items() if pair[0] != pair[1]} == {}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_overrides_are_compiled(domain):
    assert (OVERRIDES / f"{domain}.mo").exists(), "run `make compilemessages` (make run and make test do)"


def test_the_projects_own_catalogue_wins_over_the_overrides():
    # Django reads LOCALE_PATHS first to last, the first path winning; both win over every app.
    paths = [Path(path) for path in settings.LOCALE_PATHS]
    assert paths.index(ROOT / "locale") < paths.index(ROOT / "overrides" / "locale")


@pytest.mark.django_db
def test_the_password_change_pages_keep_the_language_switch(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("desk", password="a-long-test-password", is_staff=True)
    sign_in(client, user)
    for url in ("/staff/password_change/", "/staff/password_change/done/"):
        html = client.get(url).content.decode()
        assert 'class="language-switch"' in html, url


@pytest.mark.django_db
def test_a_page_a_staff_role_may_not_open_is_refused_in_hindi_on_an_admin_page(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("desk", password="a-long-test-password", is_staff=True)
    sign_in(client, user)

    response = client.get("/staff/imports/importbatch/add/")

    assert response.status_code == 403
    assert "अनुमति नहीं है" in response.content.decode()
    # The admin's own page (its header, a way back to its home page), not the consumer site's.
    assert 'id="header"' in response.content.decode() and 'href="/staff/"' in response.content.decode()
