"""Reads a running openecf's public pages with juriscraper's own parsers and
compares what they parse with what was filed.

Run by the `cli` integration test (`juriscraper.rs`), which starts
`openecf serve --demo`, writes what the database holds as JSON and runs:

    python juriscraper_check.py EXPECTED.json

EXPECTED.json: {"base": URL, "username": ..., "password": ..., "mail_dir": DIR,
"cases": [{"court", "id", "number", "judge_initials", "judge", "title",
"lead_title", "date_filed", "last_filing", "referred_to", "date_terminated",
"date_converted", "date_discharged", "cause", "nature_of_suit",
"jurisdiction", "jury_demand", "chapter", "parties": [{"name", "type",
"extra", "attorneys": [{"name", "email", "roles"}]}], "entries": [{"number",
"date_filed" (the court's day), "filed_at" (epoch seconds), "event",
"docket_text", "description" (as the docket prints it, with its
attachments), "doc1", "opinion" (its event is a written opinion)}], "claims":
[{"id", "number", "creditor_name", "creditor_address", "amount", "date_filed",
"filed_by"}]}]}

Every difference is printed; the exit status is 1 if there was any, 2 if a
parser raised. juriscraper's `query()` methods are used as they are, pointed
at openecf's URLs, so the requests are the ones juriscraper sends to CM/ECF.
"""

import asyncio
import datetime
import glob
import json
import os
import sys
import traceback
from urllib.parse import parse_qs, urlsplit

import httpx
from juriscraper.lib.judge_parsers import normalize_judge_string
from juriscraper.lib.string_utils import clean_string, harmonize
from juriscraper.pacer import (
    CaseQuery,
    ClaimsRegister,
    DocketReport,
    FreeOpinionReport,
    PacerRssFeed,
    PossibleCaseNumberApi,
)
from juriscraper.pacer.email import S3NotificationEmail

failures = []


def check(label, got, want):
    if got != want:
        failures.append(f"{label}: juriscraper read {got!r}, openecf holds {want!r}")


def day(iso):
    return datetime.date.fromisoformat(iso) if iso else None


def at(cls, url):
    """The parser, pointed at openecf's page instead of ecf.{court}.uscourts.gov."""

    class At(cls):
        @property
        def url(self):
            return url

    return At


def pacer_doc_id(doc1):
    """juriscraper's form of a /doc1/ number: its fourth digit made 0."""
    return None if doc1 is None else f"{doc1[:3]}0{doc1[4:]}"


def case_name(case):
    """The name juriscraper gives a case: the debtor's in bankruptcy."""
    if case["number"].split("-")[1] == "ap":
        # juriscraper names an adversary proceeding after its lead case.
        return clean_string(harmonize(f"{case['lead_title']} - Adversary Proceeding"))
    if case["number"].split("-")[1] == "bk":
        debtors = [p["name"] for p in case["parties"] if p["type"] == "Debtor"]
        return clean_string(harmonize(debtors[0]))
    return clean_string(harmonize(case["title"]))


async def check_docket_report(client, base, case):
    label = f"DocketReport {case['court']} {case['number']}"
    url = f"{base}/ecf/{case['court']}/cgi-bin/DktRpt.pl"
    report = at(DocketReport, url)(case["court"], client)
    await report.query(case["id"], show_parties_and_counsel=True)
    data = report.data
    check(f"{label} docket_number", data.get("docket_number"), case["number"].rsplit("-", 1)[0] if case["judge_initials"] else case["number"])
    check(f"{label} case_name", data.get("case_name"), case_name(case))
    check(f"{label} date_filed", data.get("date_filed"), day(case["date_filed"]))
    if case["judge"]:
        check(
            f"{label} assigned_to_str",
            data.get("assigned_to_str"),
            normalize_judge_string(f"Judge {case['judge']}")[0],
        )
    # What court staff record: Referred to (CM/ECF prints "Magistrate Judge
    # …"), Date Terminated, Date Converted, Debtor discharged.
    check(
        f"{label} referred_to_str",
        data.get("referred_to_str", ""),
        normalize_judge_string(f"Magistrate Judge {case['referred_to']}")[0] if case["referred_to"] else "",
    )
    for key in ("date_terminated", "date_converted", "date_discharged"):
        check(f"{label} {key}", data.get(key), day(case[key]))
    if case["number"].split("-")[1] not in ("bk", "ap"):
        for key in ("cause", "nature_of_suit", "jurisdiction", "jury_demand"):
            check(f"{label} {key}", data.get(key, ""), case[key])
    if case["number"].split("-")[1] == "ap":
        check(f"{label} nature_of_suit", data.get("nature_of_suit", ""), case["nature_of_suit"])
    # Parties, in order, with their attorneys.
    got_parties = data.get("parties", [])
    check(f"{label} number of parties", len(got_parties), len(case["parties"]))
    for got, want in zip(got_parties, case["parties"]):
        who = f"{label} party {want['name']!r}"
        check(f"{who} name", got.get("name"), want["name"])
        check(f"{who} type", got.get("type"), want["type"])
        check(f"{who} extra_info", got.get("extra_info", ""), want["extra"])
        got_attys = got.get("attorneys", [])
        check(f"{who} attorneys", [a["name"] for a in got_attys], [a["name"] for a in want["attorneys"]])
        for ga, wa in zip(got_attys, want["attorneys"]):
            check(f"{who} attorney {wa['name']!r} roles", ga["roles"], wa["roles"])
            check(f"{who} attorney {wa['name']!r} contact", ga["contact"].strip(), f"Email: {wa['email']}")
    # Every entry, as filed.
    entries = data.get("docket_entries", [])
    check(f"{label} number of entries", len(entries), len(case["entries"]))
    for got, want in zip(entries, case["entries"]):
        who = f"{label} entry {want['number']}"
        check(f"{who} document_number", got.get("document_number"), str(want["number"]))
        check(f"{who} date_filed", got.get("date_filed"), day(want["date_filed"]))
        check(f"{who} description", got.get("description"), want["description"])
        check(f"{who} pacer_doc_id", got.get("pacer_doc_id"), pacer_doc_id(want["doc1"]))
    # The document-number range: only that entry.
    if len(case["entries"]) >= 2:
        second = case["entries"][1]
        report = at(DocketReport, url)(case["court"], client)
        await report.query(case["id"], doc_num_start=second["number"], doc_num_end=second["number"])
        numbers = [e.get("document_number") for e in report.data.get("docket_entries", [])]
        check(f"{label} documents numbered {second['number']} to {second['number']}", numbers, [str(second["number"])])


async def check_case_query(client, base, case):
    label = f"CaseQuery {case['court']} {case['number']}"
    query = at(CaseQuery, f"{base}/ecf/{case['court']}/cgi-bin/iquery.pl")(case["court"], client)
    await query.query(case["id"])
    data = query.data
    check(f"{label} docket_number", data.get("docket_number"), case["number"].rsplit("-", 1)[0] if case["judge_initials"] else case["number"])
    check(f"{label} case_name", data.get("case_name"), clean_string(harmonize(case["title"])))
    check(f"{label} date_filed", data.get("date_filed"), day(case["date_filed"]))
    check(f"{label} date_last_filing", data.get("date_last_filing"), day(case["last_filing"]))
    if case["judge"]:
        check(f"{label} assigned_to_str", data.get("assigned_to_str"), case["judge"])
    check(f"{label} referred_to_str", data.get("referred_to_str"), case["referred_to"] or None)
    check(f"{label} date_terminated", data.get("date_terminated"), day(case["date_terminated"]))
    if case["number"].split("-")[1] == "bk":
        # juriscraper files CM/ECF's "Debtor discharged:" under this name.
        check(f"{label} debtor discharged", data.get("date_debtor_dismissed"), day(case["date_discharged"]))
    if case["chapter"] is not None:
        check(f"{label} chapter", data.get("chapter"), str(case["chapter"]))
        check(f"{label} case_type", data.get("case_type"), "bk")


async def check_possible_case_numbers(client, base, case):
    label = f"PossibleCaseNumberApi {case['court']} {case['number']}"
    api = at(PossibleCaseNumberApi, f"{base}/ecf/{case['court']}/cgi-bin/possible_case_numbers.pl")(
        case["court"], client
    )
    # As a user types it: year and sequence only.
    year, seq = case["number"].split(":")[1].split("-")[0], int(case["number"].split("-")[2])
    await api.query(f"{year}-{seq}")
    found = api.data(case_name=case["title"], docket_number_letters=case["number"].split("-")[1])
    check(f"{label} docket_number", (found or {}).get("docket_number"), case["number"])
    check(f"{label} pacer_case_id", (found or {}).get("pacer_case_id"), str(case["id"]))
    check(f"{label} title", (found or {}).get("title"), f"{case['number']} {case['title']}")
    api = at(PossibleCaseNumberApi, f"{base}/ecf/{case['court']}/cgi-bin/possible_case_numbers.pl")(
        case["court"], client
    )
    await api.query("1:99-cv-99999")
    check(f"{label} a number that is no case", api.data(), None)


async def check_written_opinions(client, base, court, cases):
    """The Written Opinions report (WrtOpRpt.pl): every opinion entry of the
    court's cases, and nothing else, from the first day one was filed to the last."""
    label = f"FreeOpinionReport {court}"
    want = [
        (case, e)
        for case in cases
        if case["court"] == court
        for e in case["entries"]
        if e["opinion"]
    ]
    if not want:
        return 0
    want.sort(key=lambda ce: (ce[1]["filed_at"], ce[1]["number"]))
    days = [day(e["date_filed"]) for _, e in want]
    report = at(FreeOpinionReport, f"{base}/ecf/{court}/cgi-bin/WrtOpRpt.pl")(court, client)
    await report.query(min(days), max(days), sort="date_filed")
    got = report.data
    check(f"{label} number of opinions", len(got), len(want))
    check(f"{label} reported count", report.reported_opinion_count, len(want))
    for row, (case, e) in zip(got, want):
        who = f"{label} {case['number']} entry {e['number']}"
        number = case["number"].rsplit("-", 1)[0] if case["judge_initials"] else case["number"]
        check(f"{who} docket_number", row.get("docket_number"), number)
        check(f"{who} case_name", row.get("case_name"), clean_string(harmonize(case["title"])))
        check(f"{who} pacer_case_id", row.get("pacer_case_id"), str(case["id"]))
        check(f"{who} date_filed", row.get("date_filed"), day(e["date_filed"]))
        check(f"{who} document_number", row.get("document_number"), str(e["number"]))
        check(f"{who} pacer_doc_id", row.get("pacer_doc_id"), pacer_doc_id(e["doc1"]))
        check(f"{who} description", row.get("description"), e["docket_text"])
        check(f"{who} nature_of_suit", row.get("nature_of_suit"), case["nature_of_suit"])
        check(f"{who} cause", row.get("cause"), case["cause"])
    return len(want)


async def check_claims_register(client, base, case):
    """The Claims Register (SearchClaims.pl) of a bankruptcy case with claims."""
    if not case.get("claims"):
        return 0
    label = f"ClaimsRegister {case['court']} {case['number']}"
    report = at(ClaimsRegister, f"{base}/ecf/{case['court']}/cgi-bin/SearchClaims.pl")(case["court"], client)
    await report.query(str(case["id"]), case["number"])
    data = report.data
    number = case["number"].rsplit("-", 1)[0] if case["judge_initials"] else case["number"]
    check(f"{label} docket_number", data.get("docket_number"), number)
    check(f"{label} case_name", data.get("case_name"), case_name(case))
    check(f"{label} chapter", data.get("chapter"), str(case["chapter"]))
    check(f"{label} date_filed", data.get("date_filed"), day(case["date_filed"]))
    check(f"{label} date_closed", data.get("date_closed"), day(case["date_terminated"]))
    check(f"{label} date_converted", data.get("date_converted"), day(case["date_converted"]))
    if case["judge"]:
        check(f"{label} assigned_to_str", data.get("assigned_to_str"), case["judge"])
    got = data.get("claims", [])
    check(f"{label} number of claims", len(got), len(case["claims"]))
    for g, w in zip(got, case["claims"]):
        who = f"{label} claim {w['number']}"
        check(f"{who} claim_number", g.get("claim_number"), w["number"])
        check(f"{who} creditor_id", g.get("creditor_id"), str(w["id"]))
        check(
            f"{who} creditor_details",
            g.get("creditor_details"),
            "\n".join([w["creditor_name"], *w["creditor_address"]]),
        )
        check(f"{who} amount_claimed", g.get("amount_claimed"), w["amount"])
        check(f"{who} date_original_filed", g.get("date_original_filed"), day(w["date_filed"]))
        check(f"{who} entered_by", g.get("entered_by"), w["filed_by"])
        history = g.get("history", [])
        check(f"{who} history rows", len(history), 1)
        if history:
            h = history[0]
            check(f"{who} history type", h.get("type"), "claim")
            check(f"{who} history id", h.get("id"), str(w["id"]))
            check(f"{who} history pacer_case_id", h.get("pacer_case_id"), str(case["id"]))
            check(f"{who} history document_number", h.get("document_number"), w["number"])
            check(f"{who} history attachment_number", h.get("attachment_number"), 1)
            check(f"{who} history date_filed", h.get("date_filed"), day(w["date_filed"]))
            check(
                f"{who} history description",
                h.get("description"),
                f"Claim #{w['number']} filed by {w['creditor_name']}, Amount claimed: {w['amount']} ({w['filed_by']})",
            )
    return len(got)


async def check_rss(base, court, cases):
    label = f"PacerRssFeed {court}"
    feed = at(PacerRssFeed, f"{base}/ecf/{court}/cgi-bin/rss_outside.pl")(court, http2=False)
    async with feed:
        await feed.query()
    feed.parse()
    got = {}
    for docket in feed.data:
        for e in docket["docket_entries"]:
            got[(docket["docket_number"], e.get("document_number"))] = (docket, e)
    for case in cases:
        if case["court"] != court:
            continue
        number = case["number"].rsplit("-", 1)[0] if case["judge_initials"] else case["number"]
        for want in case["entries"]:
            who = f"{label} {case['number']} entry {want['number']}"
            if want["doc1"] is None:
                continue
            item = got.get((number, str(want["number"])))
            if item is None:
                failures.append(f"{who}: not in the feed")
                continue
            docket, e = item
            check(f"{who} pacer_case_id", docket["pacer_case_id"], str(case["id"]))
            check(f"{who} case_name", docket["case_name"], clean_string(harmonize(case["title"])))
            check(f"{who} pacer_doc_id", e["pacer_doc_id"], pacer_doc_id(want["doc1"]))
            check(f"{who} short_description", e["short_description"], want["event"])
            # The feed's pubDate is an instant (GMT), not the court's day.
            check(f"{who} date_filed", int(e["date_filed"].timestamp()), want["filed_at"])
            if case["chapter"] is not None:
                check(f"{who} chapter", docket.get("chapter"), str(case["chapter"]))


def check_notices(mail_dir, cases):
    by_number = {c["number"]: c for c in cases}
    seen = 0
    for path in sorted(glob.glob(os.path.join(mail_dir, "*.eml"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "Notice of Electronic Filing" not in text:
            continue
        court = next((c["court"] for c in cases if c["number"] in text), None)
        if court is None:
            continue
        seen += 1
        label = f"NotificationEmail {os.path.basename(path)}"
        # NotificationEmail reads a notice's HTML; its S3 variant reads the whole
        # message (MIME, quoted-printable), as CourtListener receives it.
        nef = S3NotificationEmail(court)
        try:
            nef._parse_text(text)
            data = nef.data
        except Exception as e:  # noqa: BLE001 - a parser that cannot read the notice is a failure
            failures.append(f"{label}: juriscraper could not read the notice: {e}")
            continue
        dockets = data.get("dockets", [])
        check(f"{label} number of dockets", len(dockets), 1)
        if not dockets:
            continue
        docket = dockets[0]
        case = next((c for n, c in by_number.items() if docket.get("docket_number") and n.startswith(docket["docket_number"])), None)
        if case is None:
            failures.append(f"{label}: docket number {docket.get('docket_number')!r} is no filed case")
            continue
        check(f"{label} case_name", docket["case_name"], clean_string(harmonize(case["title"])))
        e = docket["docket_entries"][0]
        want = next((w for w in case["entries"] if str(w["number"]) == e.get("document_number")), None)
        if want is None:
            failures.append(f"{label}: document number {e.get('document_number')!r} is no entry of {case['number']}")
            continue
        check(f"{label} description", e["description"], want["docket_text"])
        check(f"{label} date_filed", e["date_filed"], day(want["date_filed"]))
        check(f"{label} pacer_doc_id", e["pacer_doc_id"], pacer_doc_id(want["doc1"]))
        check(f"{label} pacer_case_id", e["pacer_case_id"], str(case["id"]))
        link = e["document_url"] or ""
        sent = parse_qs(urlsplit(link).query).get("magic_num", [None])[0]
        if sent is None:
            failures.append(f"{label}: the document link {link!r} carries no free look (magic_num)")
        check(f"{label} pacer_magic_num", e["pacer_magic_num"], sent)
    if seen == 0:
        failures.append(f"NotificationEmail: no Notice of Electronic Filing in {mail_dir}")
    return seen


async def main(expected_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    base = expected["base"]
    async with httpx.AsyncClient(timeout=30) as login:
        r = await login.post(
            f"{base}/services/cso-auth",
            json={"loginId": expected["username"], "password": expected["password"]},
        )
        r.raise_for_status()
        token = r.json()["nextGenCSO"]
    async with httpx.AsyncClient(headers={"X-NEXT-GEN-CSO": token}, timeout=30) as client:
        for case in expected["cases"]:
            await check_docket_report(client, base, case)
            await check_case_query(client, base, case)
            await check_possible_case_numbers(client, base, case)
        claims = 0
        for case in expected["cases"]:
            claims += await check_claims_register(client, base, case)
        if claims == 0:
            failures.append("ClaimsRegister: the demo has no claim to check")
        opinions = 0
        for court in sorted({c["court"] for c in expected["cases"]}):
            opinions += await check_written_opinions(client, base, court, expected["cases"])
        if opinions == 0:
            failures.append("FreeOpinionReport: the demo has no written opinion to check")
    for court in sorted({c["court"] for c in expected["cases"]}):
        await check_rss(base, court, expected["cases"])
    notices_read = check_notices(expected["mail_dir"], expected["cases"])
    checked = sum(len(c["entries"]) for c in expected["cases"])
    if failures:
        print(f"{len(failures)} difference(s) between what juriscraper parsed and what was filed:")
        for f in failures:
            print(f"- {f}")
        return 1
    print(
        f"juriscraper read {len(expected['cases'])} case(s), {checked} entries, {opinions} written "
        f"opinion(s), {claims} claim(s) and {notices_read} notice(s) back as filed"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv[1])))
    except Exception:  # noqa: BLE001 - any parser failure is a failure
        traceback.print_exc()
        sys.exit(2)
