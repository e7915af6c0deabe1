"""The PACER Case Locator's compatibility check: pacersdk's PCLClient, the
public Python client of PACER's PCL API, pointed at an openecf server by its
config_path, logs in and searches cases and parties, runs a batch search,
downloads and deletes it. Every case and party it reads must equal what the
demo filed (the JSON given on the command line). Exit 0 when all match."""

import json
import sys
import tempfile

from pacersdk.client import PCLClient


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main():
    base, expected_path = sys.argv[1], sys.argv[2]
    expected = json.load(open(expected_path))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as cfg:
        json.dump({"prod": {"registrationurl": base, "authenticationurl": base, "pclapiurl": base}}, cfg)
    client = PCLClient("jfiler2026", "Walnut-Harbor-Lantern-42", config_path=cfg.name, client_code="pcl-check")
    checked = 0
    for case in expected["cases"]:
        found = client.case.search({"courtId": [case["court"]], "caseNumberFull": case["number"]})
        content = found.get("content", [])
        if len(content) != 1:
            fail(f"cases/find for {case['number']} at {case['court']} gave {len(content)} cases: {found}")
        got = content[0]
        for field, want in [
            ("courtId", case["court"]),
            ("caseNumberFull", case["number"]),
            ("caseTitle", case["title"]),
            ("caseType", case["type"]),
            ("dateFiled", case["date_filed"]),
        ]:
            if got.get(field) != want:
                fail(f"{case['number']}: {field} is {got.get(field)!r}, filed {want!r}")
        receipt = found.get("receipt") or {}
        if receipt.get("billablePages") != 1 or receipt.get("clientCode") != "pcl-check":
            fail(f"{case['number']}: receipt {receipt}")
        checked += 1
        for party in case["parties"]:
            last = party.split()[-1].strip(",.")
            parties = client.party.search({"lastName": last, "courtId": [case["court"]]})
            names = [
                (p.get("caseNumberFull"), " ".join(x for x in [p.get("firstName"), p.get("middleName"), p.get("lastName")] if x))
                for p in parties.get("content", [])
            ]
            if not any(n == case["number"] and (name == party or p_last_is_org(name, party)) for n, name in names):
                fail(f"parties/find {last!r}: {party!r} of {case['number']} not among {names}")
            checked += 1
    # A batch search of the gamb cases: submitted, completed, downloaded, deleted.
    info = client.batch_case.submit({"courtId": ["gamb"], "caseType": ["bk", "ap"]})
    report = info.get("reportId")
    if info.get("status") != "COMPLETED":
        fail(f"batch: {info}")
    status = client.batch_case.status(report)
    if status["content"][0]["status"] != "COMPLETED":
        fail(f"batch status: {status}")
    rows = client.batch_case.download(report).get("content", [])
    want = sorted(c["number"] for c in expected["cases"] if c["court"] == "gamb")
    got = sorted(r["caseNumberFull"] for r in rows)
    if got != want:
        fail(f"batch download: {got} != {want}")
    client.batch_case.delete(report)
    client.logout()
    print(f"pacersdk read {checked} cases and parties and one batch search as filed")


def p_last_is_org(name, party):
    # An organisation comes back whole as its last name.
    return name == party


main()
