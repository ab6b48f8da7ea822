"""`make screenshots`: pictures of the portal for the README, taken by headless Chromium from
the demo data of deploy/local/demo.py (loaded by deploy/local/browser.sh screenshots).

    python screenshots.py OUT_DIR   → OUT_DIR/work-queue.png, OUT_DIR/case-page.png
"""
import os
import sys
import time

from selenium.webdriver.common.by import By

from browser_support import PORTAL, call, chromium, follow, full_page


def demo_case(family):
    """The case of the demo person with this family name, once the partner has answered its
    referral (so that the page shows a case in the middle of its life)."""
    _, found = call("intake", "GET", f"/persons?familyName={family}&limit=5")
    case = found["items"][0]["caseId"]
    deadline = time.time() + 30
    while time.time() < deadline:
        _, dossier = call("coordination", "GET", f"/cases/{case}/dossier")
        if any(r.get("acceptedOn") for r in dossier.get("referrals") or []):
            break
        time.sleep(0.5)
    return case


def main(out):
    os.makedirs(out, exist_ok=True)
    case = demo_case("Demo-Rahimi")
    driver = chromium("de-CH,de", width=1280, height=900)
    try:
        driver.get(PORTAL + "/sign-in")
        follow(driver, driver.find_element(By.ID, "signin-ksd-caseworker"))
        driver.get(PORTAL + "/queue")
        full_page(driver, os.path.join(out, "work-queue.png"))
        driver.get(PORTAL + f"/cases/{case}")
        full_page(driver, os.path.join(out, "case-page.png"))
    finally:
        driver.quit()
    print(f"[screenshots] {out}/work-queue.png, {out}/case-page.png", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots"))
