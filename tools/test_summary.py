"""Read an Odoo test log and print the closing line ``N passed, N failed``.

Usage: test_summary.py LOGFILE ODOO_EXIT_CODE
       test_summary.py --junit JUNIT_XML PYTEST_EXIT_CODE   (a pytest-odoo run)

Exit status 0 only when tests ran, none failed or erred, none was skipped
(a skipped tour means Chromium did not run: that is a failure here), no
error was logged outside the tests, and odoo-bin (or pytest) itself exited 0.
"""

import re
import sys
import xml.etree.ElementTree as ET

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>\S+): (?P<msg>.*)"
)
REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
SKIPPED = re.compile(r"^skipped (?P<test>.*?) : (?P<reason>.*)")


def main(path, odoo_rc):
    failed = errors = run = None
    log_errors = []
    skipped = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line)
            if not match:
                continue
            msg = match["msg"]
            report = REPORT.search(msg)
            if report and match["logger"] == "odoo.tests.result":
                failed, errors, run = (int(report[k]) for k in ("failed", "errors", "run"))
                continue
            if match["level"] in ("ERROR", "CRITICAL"):
                log_errors.append(line.rstrip())
            skip = SKIPPED.match(msg)
            if skip:
                skipped.append(f"{skip['test']}: {skip['reason']}")

    problems = []
    if run is None:
        problems.append(
            "Odoo printed no test report: the module did not install or the tests did not start"
        )
        run = failed = errors = 0
    elif run == 0:
        problems.append("no test ran")
    if skipped:
        problems.append(f"{len(skipped)} test(s) skipped (a tour that cannot run is a failure):")
        problems.extend(f"    {s}" for s in skipped)
    # errors logged by the tests themselves are already counted in the report
    if log_errors and not (failed or errors):
        problems.append(f"{len(log_errors)} error(s) logged outside the tests:")
        problems.extend(f"    {e[:300]}" for e in log_errors[:20])
    if odoo_rc != 0:
        problems.append(f"odoo-bin exited with status {odoo_rc}")

    bad = failed + errors + len(skipped)
    if problems and not bad:
        bad = 1
    print()
    for problem in problems:
        print(f"[adv] {problem}", file=sys.stderr)
    print(f"{run - failed - errors} passed, {bad} failed")
    return 1 if problems or bad else 0


def main_junit(path, pytest_rc):
    """The same closing line for a pytest run, from its JUnit XML report."""
    run = failed = 0
    problems = []
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        root = None
        problems.append("pytest wrote no report: it did not start or collected nothing")
    if root is not None:
        for case in root.iter("testcase"):
            run += 1
            outcome = next(
                (child for child in case if child.tag in ("failure", "error", "skipped")), None
            )
            if outcome is None:
                continue
            failed += 1
            if outcome.tag == "skipped":
                problems.append(
                    f"skipped {case.get('classname')}.{case.get('name')}: "
                    f"{outcome.get('message', '')[:200]}"
                )
    if root is not None and not run:
        problems.append("no test ran")
    if pytest_rc not in (0, 1):  # 1: some tests failed, already counted
        problems.append(f"pytest exited with status {pytest_rc}")
    if problems and not failed:
        failed = 1
    print()
    for problem in problems:
        print(f"[adv] {problem}", file=sys.stderr)
    print(f"{max(run - failed, 0)} passed, {failed} failed")
    return 1 if problems or failed or pytest_rc else 0


FAILED_TEST = re.compile(r"^(?:FAIL|ERROR): (?P<test>.+?)\s*$")


def main_odoo_suites(path, odoo_rc, expected_path):
    """Odoo's own suites: the tests that failed, against the list of expected ones (each with
    its reason); the closing line counts the unexpected failures only."""
    expected = {}
    with open(expected_path, encoding="utf-8") as listing:
        for line in listing:
            if line.strip() and not line.startswith("#"):
                name, _sep, reason = line.partition("|")
                expected[name.strip()] = reason.strip()
    failed_tests, report = set(), None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line)
            if not match or match["level"] not in ("ERROR", "CRITICAL"):
                continue
            test = FAILED_TEST.match(match["msg"])
            if test:
                name = test["test"].removeprefix("Subtest ")
                if not name.startswith("setUpClass"):
                    name = name.split(" (")[0]  # Class.method (subtest parameters)
                failed_tests.add(name)
            found = REPORT.search(match["msg"])
            if found and match["logger"] == "odoo.tests.result":
                report = found
    run = int(report["run"]) if report else 0
    unexpected = sorted(t for t in failed_tests if t not in expected)
    for test in sorted(failed_tests & set(expected)):
        print(f"[adv] expected: {test}: {expected[test]}", file=sys.stderr)
    for test in unexpected:
        print(f"[adv] UNEXPECTED: {test}", file=sys.stderr)
    if not run:
        print("[adv] no test report: the modules did not install or no test ran", file=sys.stderr)
    print()
    print(
        f"{run - len(failed_tests)} passed, {len(unexpected) or (0 if run else 1)} failed "
        f"({len(failed_tests) - len(unexpected)} expected failures)"
    )
    return 1 if unexpected or not run else 0


if __name__ == "__main__":
    if sys.argv[1] == "--odoo-suites":
        sys.exit(main_odoo_suites(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    if sys.argv[1] == "--junit":
        sys.exit(main_junit(sys.argv[2], int(sys.argv[3])))
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
