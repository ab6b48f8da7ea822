"""axe-core (axe-selenium-python) on every kind of page of the portal: no serious or critical
violation. Every violation found, of any impact, is written to
<screenshots>/axe-<page>.json and summed up in the test's output."""
import json
import os

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from browser_support import SCREENSHOTS, PortalTestCase, case_with_requested_approval, handed_over_case, text

FAILING_IMPACTS = ("serious", "critical")


class Accessibility(PortalTestCase):
    def check(self, page):
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        violations = results["violations"]
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with open(os.path.join(SCREENSHOTS, f"axe-{page}.json"), "w", encoding="utf-8") as f:
            json.dump(violations, f, indent=2, ensure_ascii=False)
        summary = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations) or "none"
        print(f"\naxe {page}: {len(results['passes'])} rules passed; violations: {summary}")
        self.assertGreater(len(results["passes"]), 10, "axe ran its rules on the page")
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        self.assertEqual(failing, [], f"{page}: " + axe.report(failing))

    def test_sign_in(self):
        self.driver.delete_all_cookies()
        self.open("/sign-in")
        self.assertEqual(self.h1(), text("signin.title"))
        self.check("sign-in")

    def test_work_queue(self):
        case_with_requested_approval()
        self.sign_in("ksd-caseworker")
        self.open("/queue")
        self.assertEqual(self.h1(), text("queue.title"))
        self.check("queue")

    def test_search_with_results(self):
        case = handed_over_case()
        self.sign_in("ksd-caseworker")
        self.open("/cases")
        self.fill("familyName", case["familyName"])
        self.submit("search-form")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")), 1)
        self.check("search")

    def test_case_page(self):
        case = case_with_requested_approval()
        self.sign_in("ksd-approver")
        self.open(f"/cases/{case['caseId']}")
        self.assertEqual(self.h1(), f"{case['givenName']} {case['familyName']}")
        self.check("case")

    def test_form_with_errors(self):
        case = handed_over_case()
        self.sign_in("m4001-caseworker")
        self.open(f"/cases/{case['caseId']}/review")
        self.fill("heldOn", "31.02.2026")
        self.submit("form-review")
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, ".field-error"), "the form shows its errors")
        self.check("form-errors")

    def test_upload_form(self):
        case = handed_over_case()
        self.sign_in("m4001-caseworker")
        self.open(f"/cases/{case['caseId']}/documents/new")
        self.assertEqual(self.h1(), text("form.document.title"))
        self.check("upload")

    def test_indicators(self):
        self.sign_in("ksd-caseworker")
        self.open("/reports/indicators")
        self.assertEqual(self.h1(), text("indicators.title"))
        self.check("indicators")

    def test_forbidden_page(self):
        case = handed_over_case()
        self.sign_in("m4021-caseworker")
        self.open(f"/cases/{case['caseId']}")
        self.assertEqual(self.h1(), text("error.forbidden.title"))
        self.check("forbidden")
