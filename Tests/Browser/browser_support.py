"""What the browser tests share: the stack that deploy/local/browser.sh started (read from the
environment), the portal's own texts, the services' API (for setting up cases), headless
Chromium driven by Selenium, and axe-core.

Environment (set by deploy/local/browser.sh):
  IAS_BROWSER_PORTAL_URL   the portal, e.g. http://127.0.0.1:18080
  IAS_BROWSER_PORT_BASE    intake's port; assessment, plan, costs, coordination follow
  IAS_TOKEN_BIN            ias-token, which mints the set-up's tokens with IAS_JWT_SECRET
  IAS_BROWSER_SCREENSHOTS  where each test leaves a screenshot (.local/test/screenshots)
  IAS_BROWSER_POLL_SECONDS how long a page is reloaded until a form's effect shows (20)
"""
import datetime
import functools
import json
import os
import random
import string
import sys
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "deploy", "local"))
import suite_api  # noqa: E402  (the suite's API client, shared with the demo and the fault suite)
MESSAGES_DIR = os.path.join(ROOT, "Services", "Portal", "Sources", "Messages")


def setting(key, default=None):
    value = os.environ.get(key, default)
    if value is None or value == "":
        raise RuntimeError(f"{key} is not set: run the browser tests through deploy/local/browser.sh (make test)")
    return value


PORTAL = setting("IAS_BROWSER_PORTAL_URL", "http://127.0.0.1:18080").rstrip("/")
PORT_BASE = int(setting("IAS_BROWSER_PORT_BASE", "18081"))
PORTS = suite_api.ports(PORT_BASE)
SCREENSHOTS = os.environ.get("IAS_BROWSER_SCREENSHOTS") or os.path.join(ROOT, ".local", "test", "screenshots")
POLL_SECONDS = float(os.environ.get("IAS_BROWSER_POLL_SECONDS", "20"))
TODAY = datetime.date.today()


# MARK: The portal's texts

@functools.lru_cache(maxsize=None)
def messages(language):
    with open(os.path.join(MESSAGES_DIR, f"{language}.json"), encoding="utf-8") as f:
        return json.load(f)


def text(key, language="de", **values):
    """A text of the portal's catalogue, with its {placeholders} filled in."""
    value = messages(language)[key]
    for name, replacement in values.items():
        value = value.replace("{" + name + "}", replacement)
    return value


def swiss(day):
    return day.strftime("%d.%m.%Y")


# MARK: The services' API, for the set-up (as a department system would)

@functools.lru_cache(maxsize=None)
def token(org, roles="caseworker", sub="browser-test-setup"):
    return suite_api.token(org, roles, sub, token_bin=setting("IAS_TOKEN_BIN"))


def call(service, method, path, body=None, org="canton:KSD", roles="caseworker", expect=(200, 201)):
    return suite_api.call(PORTS[service], method, path, body, token(org, roles), expect, what=service)


def eventually(fn, what, seconds=30):
    return suite_api.eventually(fn, what, seconds)


def unique_name(prefix):
    """A family name no other run has used, so that a search finds exactly this case."""
    return prefix + "-" + "".join(random.choice(string.ascii_lowercase) for _ in range(8)).capitalize()


def register(given, family, years=30):
    body = {"zemisNumber": str(random.randint(30_000_000, 99_999_999)), "givenName": given, "familyName": family,
            "dateOfBirth": (TODAY - datetime.timedelta(days=int(365.25 * years) + 40)).isoformat(), "sex": "female",
            "nationality": "ER", "languages": ["ti"], "status": "VA", "statusDecidedOn": TODAY.isoformat(),
            "enteredCantonOn": TODAY.isoformat(), "accommodation": "cantonal"}
    _, person = call("intake", "POST", "/persons", body, expect=(201,))
    return person


def assess_and_wait_for_plan(person):
    """A short assessment of a job-ready adult; triage and the drafted plan follow by events."""
    case = person["caseId"]
    body = {"kind": "short", "heldOn": TODAY.isoformat(),
            "languageLevels": {k: "A2" for k in ("listening", "speaking", "reading", "writing")},
            "literate": True, "schoolYears": 10, "vocationalYears": 3, "healthRestriction": "none",
            "childcareDuties": False, "goals": ["work"]}
    eventually(lambda: call("assessment", "POST", f"/cases/{case}/assessments", body)[1], "assessment to know the case")

    def plan():
        _, p = call("plan", "GET", f"/cases/{case}/plan", expect=(200, 404))
        return p if p.get("measures") else None
    return eventually(plan, "the drafted plan")


@functools.lru_cache(maxsize=None)
def handed_over_case():
    """A case registered by the canton (KSD), with a signed agreement (so that it can be
    reviewed), then handed over to municipality 4001; ready once every service that the
    municipality's forms reach knows the handover."""
    family = unique_name("Browser")
    person = register("Selina", family)
    case = person["caseId"]
    assess_and_wait_for_plan(person)
    call("plan", "POST", f"/cases/{case}/plan/agreement",
         {"signedOn": TODAY.isoformat(), "goals": ["Eine Stelle im ersten Arbeitsmarkt finden"], "reviewEveryMonths": 6})
    call("intake", "POST", f"/persons/{person['personId']}/responsibility",
         {"toOrg": "municipality:4001", "effectiveOn": TODAY.isoformat(), "reason": "assignment"})
    municipality = "municipality:4001"
    eventually(lambda: call("coordination", "GET", f"/cases/{case}/dossier", org=municipality, expect=(200, 403, 404))[1]
               .get("responsibleOrg") == municipality, "coordination to know the handover")
    eventually(lambda: call("plan", "GET", f"/cases/{case}/plan", org=municipality, expect=(200, 403, 404))[0] == 200,
               "plan to know the handover")
    return {"caseId": case, "personId": person["personId"], "givenName": "Selina", "familyName": family}


@functools.lru_cache(maxsize=None)
def case_with_requested_approval():
    """A case of the canton with a cost approval requested for a measure of its plan."""
    family = unique_name("Kosten")
    person = register("Dawit", family, years=35)
    case = person["caseId"]
    measure = assess_and_wait_for_plan(person)["measures"][0]
    body = {"caseId": case, "measureId": measure["measureId"], "amountRappen": 250_000,
            "justification": "Massnahme des Integrationsplans"}
    _, approval = eventually(lambda: call("costs", "POST", "/cost-approvals", body), "costs to know the measure")

    def listed():
        _, dossier = call("coordination", "GET", f"/cases/{case}/dossier")
        approvals = (dossier.get("budget") or {}).get("approvals") or []
        return any(a.get("approvalId") == approval["approvalId"] for a in approvals)
    eventually(listed, "the requested approval in the dossier")
    return {"caseId": case, "approvalId": approval["approvalId"], "givenName": "Dawit", "familyName": family}


# MARK: A small valid PDF

def write_pdf(path, line="IAS browser test"):
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)
    return path


# MARK: The browser

def chromium(language="de-CH,de", width=1280, height=900):
    """Debian's headless Chromium through Debian's chromedriver (no download of either)."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("IAS_BROWSER_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
                     f"--window-size={width},{height}", f"--lang={language.split(',')[0]}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    service = Service(executable_path=os.environ.get("IAS_BROWSER_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


class PortalTestCase(unittest.TestCase):
    """One browser for the class; a screenshot of the last page after every test."""
    language = "de-CH,de"
    driver = None

    @classmethod
    def setUpClass(cls):
        cls.driver = chromium(cls.language)

    @classmethod
    def tearDownClass(cls):
        if cls.driver is not None:
            cls.driver.quit()

    def tearDown(self):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        name = self.id().split(".", 1)[-1].replace(".", "-")
        try:
            full_page(self.driver, os.path.join(SCREENSHOTS, name + ".png"))
        except Exception as error:  # a screenshot is for looking at, never the test's verdict
            print(f"no screenshot of {name}: {error}")

    # Navigation

    def open(self, path):
        self.driver.get(PORTAL + path)

    def sign_in(self, user):
        """The local stack's sign-in: a fresh session as one of the demo users."""
        self.driver.delete_all_cookies()
        self.open("/sign-in")
        self.follow(self.driver.find_element(By.ID, f"signin-{user}"))
        self.assertNotIn("/sign-in", self.driver.current_url, f"signing in as {user} stayed on the sign-in page")

    def h1(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text.strip()

    def html_lang(self):
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")

    def section(self, section_id):
        return self.driver.find_element(By.ID, section_id)

    def reload_until(self, condition, what, seconds=None):
        """Reloads the page until `condition()` holds. Until the portal waits for the event a form
        produced (read-your-writes), the case page right after a form may answer 503 "not ready
        yet" or not show the effect for a moment: poll for a bounded time, never assume."""
        deadline = time.time() + (seconds or POLL_SECONDS)
        while True:
            try:
                if condition():
                    return
            except Exception:  # the element is not there yet (a 503 page has no sections)
                pass
            if time.time() > deadline:
                self.fail(f"{what}: not shown within {seconds or POLL_SECONDS:.0f} s; the page says {self.h1()!r}")
            time.sleep(0.5)
            self.driver.refresh()

    def fill(self, name, value):
        element = self.driver.find_element(By.ID, f"f-{name}")
        element.clear()
        element.send_keys(value)
        return element

    def choose(self, name, value):
        Select(self.driver.find_element(By.ID, f"f-{name}")).select_by_value(value)

    def submit(self, form_id):
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]"))

    def follow(self, element):
        """Clicks a link or a form's button and waits until the next page has replaced this one
        (a click returns before the browser has navigated)."""
        follow(self.driver, element)

    def session_status(self, path):
        """The HTTP status of a page as the signed-in browser gets it (Selenium shows no status)."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(PORTAL + path, headers={"Cookie": cookies})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def follow(driver, element, seconds=30):
    """Clicks, then waits for a new, loaded document: the old one carries a mark that the next
    does not. (Probing the old page's elements instead races the navigation in chromedriver.)"""
    driver.execute_script("window.__iasPreviousPage = true")
    element.click()

    def replaced(d):
        try:
            return d.execute_script("return window.__iasPreviousPage !== true && document.readyState === 'complete'")
        except WebDriverException:  # between two documents
            return False
    WebDriverWait(driver, seconds, poll_frequency=0.1).until(replaced)


def full_page(driver, path):
    """A screenshot of the whole page, not just the window."""
    driver.execute_script("window.scrollTo(0, 0)")
    size = driver.get_window_size()
    chrome = driver.execute_script("return window.outerHeight - window.innerHeight") or 0
    driver.set_window_size(size["width"], 300 + int(chrome))  # so that the page is measured, not the window
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], min(max(int(height), 300), 8000) + int(chrome))
    try:
        driver.save_screenshot(path)
    finally:
        driver.set_window_size(size["width"], size["height"])
