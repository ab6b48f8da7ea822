"""Case work through the portal in a real browser (headless Chromium), against the real
services, PostgreSQL and broker that deploy/local/browser.sh started. The cases are set up
through the services' API as the canton's department system would."""
import os
import tempfile

from selenium.webdriver.common.by import By

from browser_support import (PORTAL, PortalTestCase, TODAY, case_with_requested_approval, chromium, handed_over_case, swiss,
                             text, write_pdf)


class MunicipalityCaseWork(PortalTestCase):
    def test_finds_the_handed_over_case_records_a_review_and_uploads_a_document(self):
        case = handed_over_case()
        self.sign_in("m4001-caseworker")

        # The search, by family name; the case is the municipality's since the handover.
        self.open("/cases")
        self.assertEqual(self.h1(), text("search.title"))
        self.fill("familyName", case["familyName"])
        self.submit("search-form")
        results = self.driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
        self.assertEqual(len(results), 1, "the search by the unique family name finds exactly the one case")
        self.assertIn(text("org.municipality", bfs="4001"), results[0].text)
        self.follow(results[0].find_element(By.CSS_SELECTOR, f"a[href='/cases/{case['caseId']}']"))
        self.assertEqual(self.h1(), f"{case['givenName']} {case['familyName']}")
        responsibility = self.section("responsibility").text
        self.assertIn(text("org.municipality", bfs="4001"), responsibility)
        self.assertIn(text("org.canton", office="KSD"), responsibility, "the history names the canton it came from")

        # The review form of the plan, reached from the case page's actions.
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"a[href^='/cases/{case['caseId']}/review']"))
        self.assertEqual(self.h1(), text("form.review.title"))
        self.fill("heldOn", swiss(TODAY))
        self.choose("outcome", "at_risk")
        self.fill("notes", "Deutschkurs verlängern, Bewerbungstraining im Frühling.")
        self.submit("form-review")
        self.reload_until(lambda: len(self.section("reviews").find_elements(By.CSS_SELECTOR, "tbody tr")) == 1,
                          "the review in #reviews")
        self.assertIn(text("reviewOutcome.at_risk"), self.section("reviews").text)

        # The upload form: a small PDF, described as correspondence.
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"#documents a[href^='/cases/{case['caseId']}/documents/new']"))
        self.assertEqual(self.h1(), text("form.document.title"))
        with tempfile.TemporaryDirectory() as folder:
            pdf = write_pdf(os.path.join(folder, "Brief Sozialdienst.pdf"))
            self.driver.find_element(By.ID, "f-file").send_keys(pdf)
            self.choose("category", "correspondence")
            self.fill("title", "Brief an den Sozialdienst")
            self.fill("issuedOn", swiss(TODAY))
            self.submit("form-document")
            self.reload_until(lambda: "Brief an den Sozialdienst" in self.section("documents").text, "the document in #documents")

        # Both at once, on one case page.
        self.assertTrue(self.driver.current_url.split("?")[0].endswith(f"/cases/{case['caseId']}"))
        reviews, documents = self.section("reviews").text, self.section("documents").text
        self.assertIn(text("reviewOutcome.at_risk"), reviews)
        self.assertIn(text("org.municipality", bfs="4001"), reviews, "the review was recorded by the municipality")
        self.assertIn("Brief an den Sozialdienst", documents)
        self.assertIn(text("category.correspondence"), documents)
        link = self.section("documents").find_element(By.PARTIAL_LINK_TEXT, "Brief an den Sozialdienst")
        status, body = self.session_status(link.get_attribute("href").replace(PORTAL, ""))
        self.assertEqual(status, 200, "the uploaded document can be downloaded")
        self.assertTrue(body.startswith("%PDF-1.4"), "the download is the PDF that was uploaded")


class ApproverDecides(PortalTestCase):
    def test_approver_grants_a_requested_cost_approval(self):
        case = case_with_requested_approval()
        self.sign_in("ksd-approver")
        self.open(f"/cases/{case['caseId']}")
        row = self.driver.find_element(By.ID, f"approval-{case['approvalId']}")
        self.assertIn(text("case.approval.pending"), row.text)
        self.follow(row.find_element(By.LINK_TEXT, text("action.decide")))
        self.assertEqual(self.h1(), text("form.costDecision.title"))
        self.choose("decision", "granted")
        self.fill("reason", "Passt zum Integrationsplan.")
        self.submit("form-costDecision")

        def granted():
            row = self.driver.find_element(By.ID, f"approval-{case['approvalId']}")
            return text("decision.granted") in row.text
        self.reload_until(granted, "the decision in #budget")
        row = self.driver.find_element(By.ID, f"approval-{case['approvalId']}")
        self.assertIn("CHF 2’500.00", row.text, "the whole amount requested is granted")
        self.assertEqual(row.find_elements(By.LINK_TEXT, text("action.decide")), [], "a decided approval offers no decision")


class OtherMunicipality(PortalTestCase):
    def test_another_municipality_gets_the_forbidden_page(self):
        case = handed_over_case()
        self.sign_in("m4021-caseworker")
        self.open(f"/cases/{case['caseId']}")
        self.assertEqual(self.h1(), text("error.forbidden.title"))
        self.assertIn(text("error.forbidden.detail"), self.driver.find_element(By.TAG_NAME, "main").text)
        self.assertNotIn(case["familyName"], self.driver.page_source, "nothing of the case shows")
        status, _ = self.session_status(f"/cases/{case['caseId']}")
        self.assertEqual(status, 403)


class FormsKeepInput(PortalTestCase):
    def field_error(self, name):
        """The error shown in the same field as the input, tied to it by aria-describedby."""
        field = self.driver.find_element(By.XPATH, f"//*[@id='f-{name}']/ancestor::div[contains(@class,'field')][1]")
        self.assertIn("invalid", field.get_attribute("class"))
        error = field.find_element(By.CSS_SELECTOR, ".field-error")
        described = self.driver.find_element(By.ID, f"f-{name}").get_attribute("aria-describedby") or ""
        self.assertIn(error.get_attribute("id"), described.split(), "the error is announced with its field")
        self.assertEqual(self.driver.find_element(By.ID, f"f-{name}").get_attribute("aria-invalid"), "true")
        return error.text

    def test_review_with_an_invalid_date(self):
        case = handed_over_case()
        self.sign_in("m4001-caseworker")
        self.open(f"/cases/{case['caseId']}/review")
        self.fill("heldOn", "31.02.2026")
        self.choose("outcome", "on_track")
        self.fill("notes", "Alles nach Plan.")
        self.submit("form-review")
        self.assertEqual(self.h1(), text("form.review.title"), "the form is shown again")
        self.assertEqual(self.field_error("heldOn"), text("invalid.date"))
        self.assertEqual(self.driver.find_element(By.ID, "f-heldOn").get_attribute("value"), "31.02.2026")
        self.assertEqual(self.driver.find_element(By.ID, "f-notes").get_attribute("value"), "Alles nach Plan.")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "#f-outcome option:checked").get_attribute("value"), "on_track")
        summary = self.driver.find_element(By.ID, "problem")
        self.assertIn(text("form.problem"), summary.text)
        self.assertTrue(summary.find_elements(By.CSS_SELECTOR, "a[href='#f-heldOn']"), "the summary links to the field")

    def test_registration_with_an_invalid_birth_date_keeps_the_given_name(self):
        self.sign_in("ksd-caseworker")
        self.open("/persons/new")
        self.assertEqual(self.h1(), text("form.register.title"))
        self.fill("givenName", "Mihret")
        self.fill("familyName", "Tesfaye-Beispiel")
        self.fill("dateOfBirth", "31.13.1990")
        self.submit("form-register")
        self.assertEqual(self.h1(), text("form.register.title"))
        self.assertEqual(self.field_error("dateOfBirth"), text("invalid.date"))
        self.assertEqual(self.driver.find_element(By.ID, "f-givenName").get_attribute("value"), "Mihret")
        self.assertEqual(self.driver.find_element(By.ID, "f-familyName").get_attribute("value"), "Tesfaye-Beispiel")
        self.assertEqual(self.driver.find_element(By.ID, "f-dateOfBirth").get_attribute("value"), "31.13.1990")
        self.assertNotIn("invalid", self.driver.find_element(By.XPATH, "//*[@id='f-givenName']/ancestor::div[1]").get_attribute("class"))


class FrenchFromTheBrowser(PortalTestCase):
    language = "fr-CH,fr;q=0.9,en;q=0.5"

    def test_accept_language_fr_shows_french(self):
        self.open("/sign-in")
        self.assertEqual(self.html_lang(), "fr")
        self.assertEqual(self.h1(), text("signin.title", "fr"))
        self.follow(self.driver.find_element(By.ID, "signin-ksd-caseworker"))
        self.assertEqual(self.html_lang(), "fr")
        self.assertEqual(self.h1(), text("queue.title", "fr"))
        self.assertIn(text("nav.search", "fr"), self.driver.find_element(By.CSS_SELECTOR, "header nav").text)


class FrenchFromTheMenu(PortalTestCase):
    def test_language_menu_switches_to_french_and_keeps_it(self):
        self.sign_in("ksd-caseworker")
        self.assertEqual(self.html_lang(), "de")
        self.assertEqual(self.h1(), text("queue.title"))
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang='fr']"))
        self.assertTrue(self.driver.current_url.endswith("?lang=fr"))
        self.assertEqual(self.html_lang(), "fr")
        self.assertEqual(self.h1(), text("queue.title", "fr"))
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "nav.languages [aria-current]").text, "FR")
        # The choice is remembered: the next page without ?lang is French too.
        self.open("/cases")
        self.assertEqual(self.html_lang(), "fr")
        self.assertEqual(self.h1(), text("search.title", "fr"))
        self.open("/sign-in?lang=de")  # leave the browser as it was found
