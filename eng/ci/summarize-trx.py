#!/usr/bin/env python3
"""Prints a closing line 'N passed, N failed, N skipped' for the TRX files given, and lists every
skipped test with its reason and every failed test by name."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
skips, failures = [], []
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        outcome = result.get("outcome")
        name = result.get("testName")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
            message = result.find(".//t:Output/t:ErrorInfo/t:Message", NS)
            reason = message.text.strip() if message is not None and message.text else "(no reason given)"
            skips.append(f"  skipped: {name}: {reason}")
        else:
            failed += 1
            failures.append(f"  failed: {name}")
for line in skips + failures:
    print(line)
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
