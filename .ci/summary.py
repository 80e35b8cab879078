"""Add up the JUnit XML reports of the three test suites and print one closing line."""
import glob
import sys
import xml.etree.ElementTree as ET

REPORTS = {
    "TypeScript (jest)": ["test-reports/junit.xml"],
    "Packages (jest, after package-all)": ["test-reports/packages.xml"],
    "Python (pytest)": ["test/consumers/python/test-report.xml"],
    "Java (JUnit 5)": sorted(glob.glob("test/consumers/java/target/surefire-reports/TEST-*.xml")),
}

passed = failed = skipped = 0
for suite, files in REPORTS.items():
    if not files:
        print(f"{suite}: no report found", file=sys.stderr)
        sys.exit(1)
    s_total = s_failed = s_skipped = 0
    for path in files:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for node in suites:
            s_total += int(node.get("tests", 0))
            s_failed += int(node.get("failures", 0)) + int(node.get("errors", 0))
            s_skipped += int(node.get("skipped", 0))
    print(f"{suite}: {s_total - s_failed - s_skipped} passed, {s_failed} failed, {s_skipped} skipped")
    passed += s_total - s_failed - s_skipped
    failed += s_failed
    skipped += s_skipped

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
