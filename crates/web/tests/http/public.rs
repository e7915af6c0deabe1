//! Public access over HTTP, in CM/ECF's URL shapes: a PACER user who is not
//! of record finds a case by number or party name (`iquery.pl`), reads its
//! docket report (`DktRpt.pl`, with date and document-number ranges), looks
//! a number up (`possible_case_numbers.pl`), opens a document
//! (`show_case_doc`, `/doc1/`: the attachment menu, then View Document); the
//! court's RSS feed (`rss_outside.pl`) is open to anyone.

use crate::filing::{file_part, file_reviewed, linked_filer, post_multipart};
use crate::helpers::*;
use openecf_app::filing::pdf::sample::{pdf, Extra};
use reqwest::multipart::Form;
use reqwest::StatusCode;

/// A civil case at nysd with an attachment, and a motion into it: opened
/// by jfiler2026 (linked) for Jordan Filer. Returns the filer and the year.
async fn case_with_two_entries(app: &TestApp) -> (Browser, String) {
    let b = linked_filer(app).await;
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let open = Form::new()
        .text("csrf", csrf.clone())
        .text("plaintiffs", "Jordan Filer")
        .text("defendants", "Acme Widgets, Inc.")
        .text("nature_of_suit", "190 Contract: Other")
        .text("cause", "28:1332 Diversity-Breach of Contract")
        .text("jurisdiction", "Diversity")
        .text("jury_demand", "Plaintiff")
        .part("main", file_part("complaint.pdf", pdf(5, "Complaint", Extra::Nothing)))
        .part("attachment", file_part("cover.pdf", pdf(1, "Cover", Extra::Nothing)))
        .text("attachment_description", "Civil Cover Sheet");
    let receipt = post_multipart(&b, "/ecf/nysd/civil/open", open).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    let year = app.now().format("%y").to_string();
    let motion = Form::new()
        .text("csrf", csrf)
        .text("case_number", format!("{year}-1"))
        .text("event", "Motion for Extension of Time")
        .text("party", "Jordan Filer")
        .text("docket_text", "to Serve the Summons")
        .part("main", file_part("motion.pdf", pdf(2, "Motion", Extra::Nothing)));
    file_reviewed(&b, "/ecf/nysd/civil/file", motion)
        .await
        .assert_has("Filed: document number 2");
    (b, year)
}

/// The court's day (the test courts keep New York time), `days` from today, as CM/ECF prints it.
fn court_day(app: &TestApp, days: u64) -> String {
    let today = openecf_domain::CourtZone::default().today(app.now());
    (today + chrono::Days::new(days)).format("%m/%d/%Y").to_string()
}

/// A PACER user with no part in any case.
async fn member_of_the_public(app: &TestApp) -> Browser {
    let p = app.browser();
    p.login("jfiler2027", PACER_PW).await;
    p
}

#[tokio::test]
async fn the_public_finds_a_case_by_number_or_name_and_reads_its_docket_report() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let number = format!("1:{year}-cv-00001");
    // Without a PACER login: PACER LOGIN first, then back to the query.
    let anonymous = app.browser();
    let login = anonymous.get("/ecf/nysd/cgi-bin/iquery.pl").await;
    login.assert_has("PACER LOGIN");
    assert!(
        login.url.contains("next=%2Fecf%2Fnysd%2Fcgi-bin%2Fiquery.pl")
            || login.url.contains("next=/ecf/nysd/cgi-bin/iquery.pl"),
        "{}",
        login.url
    );

    let p = member_of_the_public(&app).await;
    let form = p.get("/ecf/nysd/cgi-bin/iquery.pl").await;
    form.assert_has(r#"<label for="case_num">Case number</label>"#)
        .assert_has(r#"<label for="last_name">"#)
        .assert_has("Run Query");
    // The main menu's Query leads here.
    p.get("/ecf/nysd/")
        .await
        .assert_has(r#"href="/ecf/nysd/cgi-bin/iquery.pl">Query</a>"#);
    let old_query = p.get("/ecf/nysd/query").await;
    assert!(
        old_query.url.ends_with("/ecf/nysd/cgi-bin/iquery.pl"),
        "{}",
        old_query.url
    );
    p.get("/ecf/nysd/reports")
        .await
        .assert_has(r#"<a href="/ecf/nysd/cgi-bin/DktRpt.pl">Docket Report</a>"#);
    // By a party's name, in any case: the list of cases.
    let by_name = p.get("/ecf/nysd/cgi-bin/iquery.pl?last_name=ACME").await;
    by_name
        .assert_has(&number)
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has("Acme Widgets, Inc. (Defendant)");
    p.get("/ecf/nysd/cgi-bin/iquery.pl?last_name=Nobody")
        .await
        .assert_has("No cases found.");
    // By a number typed loosely: the case's own query page, as CM/ECF prints it.
    let case = p.get(&format!("/ecf/nysd/cgi-bin/iquery.pl?case_num={year}cv1")).await;
    assert_eq!(case.status, StatusCode::OK);
    case.assert_has(&format!(r#"<b><font size="+1">{number}"#))
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has(&format!("<b>Date filed:</b> {}", court_day(&app, 0)))
        .assert_has("<b>Date of last filing:</b>");
    // CM/ECF's bare `?{case_id}` (the Case Locator's links) is the same page.
    p.get("/ecf/nysd/cgi-bin/iquery.pl?1")
        .await
        .assert_has(&format!(r#"<b><font size="+1">{number}"#))
        .assert_has("<b>Date of last filing:</b>");
    let bad = p.get("/ecf/nysd/cgi-bin/iquery.pl?case_num=nonsense").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("is not a case number");

    // The docket report, from the case's query page.
    let report = p.get(&case.link("Docket Report")).await;
    assert_eq!(report.status, StatusCode::OK);
    report
        .assert_has("<h3>U.S. District Court<br>")
        .assert_has(&format!("<br>CIVIL DOCKET FOR CASE #: {number}"))
        .assert_has("Jordan Filer v. Acme Widgets, Inc.<br>")
        .assert_has("Cause: 28:1332 Diversity-Breach of Contract<br>")
        .assert_has("Jury Demand: Plaintiff<br>")
        .assert_has("Nature of Suit: 190 Contract: Other<br>")
        .assert_has("Jurisdiction: Diversity<br>")
        .assert_has("<b><u>Plaintiff</u></b>")
        .assert_has("<b>Jordan Filer</b></td><td>represented by</td><td><b>Jordan Filer</b>")
        .assert_has("<i>LEAD ATTORNEY</i>")
        .assert_has("<i>ATTORNEY TO BE NOTICED</i>")
        .assert_has(r#"<th scope="col">Date Filed</th><th scope="col">#</th><th scope="col">Docket Text</th>"#)
        .assert_has("COMPLAINT against Acme Widgets, Inc. filed by Jordan Filer. (Attachments: # ")
        .assert_has("Civil Cover Sheet)")
        .assert_has("MOTION for Extension of Time to Serve the Summons filed by Jordan Filer.")
        .assert_has(r#"<a href="/ecf/nysd/doc1/000100000001">1</a>"#);
    // The form: document numbers 2 to 2 show the motion only.
    let form = p.get("/ecf/nysd/cgi-bin/DktRpt.pl").await;
    form.assert_has(r#"<label for="date_from">Filed from</label>"#)
        .assert_has(r#"<label for="documents_numbered_from_">From</label>"#)
        .assert_has("Run Report");
    let second = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/DktRpt.pl?case_num={year}-1&documents_numbered_from_=2&documents_numbered_to_=2"
        ))
        .await;
    second
        .assert_has("MOTION for Extension of Time")
        .assert_lacks("COMPLAINT against")
        // The form's own request lists parties only when asked.
        .assert_lacks("represented by");
    // A case picked by a party's name keeps the form's ranges.
    let listed = p
        .get("/ecf/nysd/cgi-bin/DktRpt.pl?last_name=jordan&documents_numbered_from_=2")
        .await;
    let picked = p.get(&unescape(&listed.link(&number))).await;
    picked
        .assert_has("MOTION for Extension of Time")
        .assert_lacks("COMPLAINT against");
    // Filed dates: a range in the future has no entries; a backward range is refused.
    let tomorrow = court_day(&app, 1);
    let later = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/DktRpt.pl?case_num={year}-1&date_from={tomorrow}"
        ))
        .await;
    later
        .assert_has("There are no entries in this range.")
        .assert_lacks("MOTION for");
    let today = court_day(&app, 0);
    let backward = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/DktRpt.pl?case_num={year}-1&date_from={tomorrow}&date_to={today}"
        ))
        .await;
    assert_eq!(backward.status, StatusCode::UNPROCESSABLE_ENTITY);
    backward.assert_has("The start date must be less than or equal to the end date.");
    // CM/ECF's own form post (juriscraper's): the case id and the ranges, no token.
    let posted = p
        .post(
            "/ecf/nysd/cgi-bin/DktRpt.pl?1-L_1_0-1",
            &[
                ("all_case_ids", "1"),
                ("case_num", " "),
                ("date_from", "1/1/1960"),
                ("list_of_parties_and_counsel", "on"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK);
    posted
        .assert_has("represented by")
        .assert_has("MOTION for Extension of Time");
    // The attorneys' docket page sends the public to the report.
    let old = p.get("/ecf/nysd/case/1").await;
    assert!(old.url.ends_with("/ecf/nysd/cgi-bin/DktRpt.pl?1"), "{}", old.url);
    // Another court's case id is not found here.
    assert_eq!(
        p.get("/ecf/gamb/cgi-bin/DktRpt.pl?1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_case_number_is_looked_up_in_cmecfs_xml() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let p = member_of_the_public(&app).await;
    let found = p
        .get(&format!("/ecf/nysd/cgi-bin/possible_case_numbers.pl?number={year}-1"))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.headers["content-type"], "text/xml; charset=utf-8");
    found
        .assert_has(&format!(
            r#"<request number="{year}-1"><case number="1:{year}-cv-00001"#
        ))
        .assert_has(r#" id="1" title="1:"#)
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has(&format!(r#"sortable="1:{year}-cv-00001"/></request>"#));
    // CM/ECF's bare form, and a number that is no case.
    p.get(&format!("/ecf/nysd/cgi-bin/possible_case_numbers.pl?1:{year}-cv-1"))
        .await
        .assert_has(r#"<case number="1:"#);
    p.get(&format!("/ecf/nysd/cgi-bin/possible_case_numbers.pl?number={year}-99"))
        .await
        .assert_has(&format!(
            r#"<request number="{year}-99"><message text="Cannot find case {year}-99"/></request>"#
        ));
}

#[tokio::test]
async fn the_public_opens_a_document_through_the_attachment_menu_and_view_document() {
    let app = TestApp::spawn().await;
    case_with_two_entries(&app).await;
    let p = member_of_the_public(&app).await;
    // show_case_doc?{document number},{case id}: entry 1 has an attachment, so its menu.
    let menu = p.get("/ecf/nysd/cgi-bin/show_case_doc?1,1,,,").await;
    assert_eq!(menu.status, StatusCode::OK);
    assert!(menu.url.contains("/ecf/nysd/doc1/000100000001"), "{}", menu.url);
    menu.assert_has("Document Selection Menu")
        .assert_has("Civil Cover Sheet")
        .assert_has("Main Document");
    // The main document: the View Document page, with its pages; no PDF yet.
    let view = p.get(&menu.link("Main Document")).await;
    view.assert_has("To accept charges shown below, click on the 'View Document' button")
        .assert_has("<th scope=\"row\">Billable Pages</th><td>5</td>")
        .assert_lacks("%PDF");
    // View Document is a POST with the page's token; without it, refused.
    let forged = p.post("/ecf/nysd/doc1/000100000001", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let doc = p
        .client
        .post(format!("{}/ecf/nysd/doc1/000100000001", p.base))
        .form(&[("csrf", view.hidden("csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), StatusCode::OK);
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert_eq!(doc.bytes().await.unwrap().to_vec(), pdf(5, "Complaint", Extra::Nothing));
    // An attachment goes straight to its View Document page.
    p.get(&menu.link("Attachment 1"))
        .await
        .assert_has("<th scope=\"row\">Billable Pages</th><td>1</td>");
    // Not logged in: PACER LOGIN, no document.
    let anonymous = app.browser();
    anonymous
        .get("/ecf/nysd/doc1/000100000001")
        .await
        .assert_has("PACER LOGIN")
        .assert_lacks("%PDF");
    assert_eq!(
        p.get("/ecf/nysd/cgi-bin/show_case_doc?9,1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_rss_feed_lists_the_last_days_entries_to_anyone() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let reader = app.cookieless();
    let feed = page(
        reader
            .get(format!("{}/ecf/nysd/cgi-bin/rss_outside.pl", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.headers["content-type"], "application/rss+xml; charset=utf-8");
    feed.assert_has(r#"<rss version="2.0">"#)
        .assert_has(&format!("<title>1:{year}-cv-00001"))
        .assert_has("Jordan Filer v. Acme Widgets, Inc.</title>")
        .assert_has("[Motion for Extension of Time]")
        .assert_has("/ecf/nysd/cgi-bin/DktRpt.pl?1</link>")
        .assert_has("/ecf/nysd/doc1/000100000003&#34;&#62;2&#60;/a&#62;");
    // A day later, nothing is new.
    app.advance(std::time::Duration::from_secs(25 * 3600));
    let later = reader
        .get(format!("{}/ecf/nysd/cgi-bin/rss_outside.pl", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(later.contains("<channel>") && !later.contains("<item>"), "{later}");
}

#[tokio::test]
async fn a_bankruptcy_docket_report_shows_only_the_last_four_digits_of_an_ssn() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    b.confirm("gamb", &verify, "submit").await;
    let notice = b.get("/ecf/gamb/bankruptcy/open").await;
    b.submit(&notice, "/ecf/gamb/redaction", &[("understand", "yes")]).await;
    let csrf = b.get("/ecf/gamb/bankruptcy/open").await.hidden("csrf");
    let petition = Form::new()
        .text("csrf", csrf)
        .text("chapter", "7")
        .text("debtor", "Jane Debtor")
        .text("debtor_ssn", "123-45-6789")
        .part("main", file_part("petition.pdf", pdf(4, "Petition", Extra::Nothing)));
    let receipt = post_multipart(&b, "/ecf/gamb/bankruptcy/open", petition).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    let year = app.now().format("%y").to_string();
    let p = member_of_the_public(&app).await;
    let report = p
        .get(&format!(
            "/ecf/gamb/cgi-bin/DktRpt.pl?case_num={year}-1&list_of_parties_and_counsel=on"
        ))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    report
        .assert_has(r#"<center><b><font size="+1">U.S. Bankruptcy Court<br>"#)
        .assert_has(&format!("<br>Bankruptcy Petition #: 1:{year}-bk-00001</font>"))
        .assert_has("Chapter 7<br>")
        .assert_has("<i><b>Debtor</b></i><br><b>Jane Debtor</b><br>SSN / ITIN: xxx-xx-6789")
        .assert_lacks("123-45-6789")
        .assert_lacks("123456789");
    let query = p
        .get(&format!("/ecf/gamb/cgi-bin/iquery.pl?case_num={year}-bk-1"))
        .await;
    query
        .assert_has("<b>Case type:</b> bk <b>Chapter:</b> 7")
        .assert_lacks("6789");
    let feed = p.get("/ecf/gamb/cgi-bin/rss_outside.pl").await;
    feed.assert_has("Type: bk Office: 1 Chapter: 7 [Voluntary Petition]")
        .assert_lacks("6789");
}

#[tokio::test]
async fn the_docket_report_prints_and_filters_by_the_courts_own_day() {
    let app = TestApp::spawn().await;
    case_with_two_entries(&app).await;
    // A court fourteen hours ahead of UTC: its day is mostly not UTC's.
    let zone = openecf_domain::CourtZone::parse("Pacific/Kiritimati").unwrap();
    let mut tx = app.store.write().await.unwrap();
    tx.set_court_time_zone(&openecf_domain::CourtId::parse("nysd").unwrap(), zone)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let today = zone.today(app.now());
    let p = member_of_the_public(&app).await;
    let report = p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1").await;
    report
        .assert_has(&format!("Date Filed: {}<br>", today.format("%m/%d/%Y")))
        .assert_has(&format!("<tr><td>{}</td><td>", today.format("%m/%d/%Y")));
    // "Filed from today" at the court includes today's entries; "to yesterday" none.
    let from_today = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/DktRpt.pl?case_num=x&all_case_ids=1&date_from={}",
            today.format("%m/%d/%Y")
        ))
        .await;
    from_today.assert_has("MOTION for Extension of Time");
    let yesterday = today - chrono::Days::new(1);
    let to_yesterday = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/DktRpt.pl?all_case_ids=1&date_to={}",
            yesterday.format("%m/%d/%Y")
        ))
        .await;
    to_yesterday.assert_has("There are no entries in this range.");
}

#[tokio::test]
async fn the_public_pays_for_a_docket_report_and_a_document_once_each_and_sees_the_quarter() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let p = member_of_the_public(&app).await;
    // The docket report: billed by its size, the receipt at its foot.
    let report = p.get(&format!("/ecf/nysd/cgi-bin/DktRpt.pl?case_num={year}-1")).await;
    assert_eq!(report.status, StatusCode::OK);
    report
        .assert_has("PACER Service Center<br>Transaction Receipt")
        .assert_has("<th scope=\"row\">PACER Login:</th><td>jfiler2027</td>")
        .assert_has("<th scope=\"row\">Description:</th><td>Docket Report</td>")
        .assert_has("<th scope=\"row\">Billable Pages:</th><td>")
        .assert_has(&format!("<th scope=\"row\">Search Criteria:</th><td>1:{year}-cv-00001"));
    // The same report again within the minute is the same charge.
    p.get(&format!("/ecf/nysd/cgi-bin/DktRpt.pl?case_num={year}-1")).await;
    // A document: what it costs before View Document; once charged, a second click is free.
    let view = p.get("/ecf/nysd/doc1/000100000001?main=1").await;
    view.assert_has("<th scope=\"row\">Billable Pages</th><td>5</td>")
        .assert_has("<th scope=\"row\">Cost</th><td>0.50</td>");
    for _ in 0..2 {
        let doc = p
            .client
            .post(format!("{}/ecf/nysd/doc1/000100000001", p.base))
            .form(&[("csrf", view.hidden("csrf")), ("k", view.hidden("k"))])
            .send()
            .await
            .unwrap();
        assert_eq!(doc.headers()["content-type"], "application/pdf");
    }
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    let descriptions: Vec<&str> = list.iter().map(|t| t.description.as_str()).collect();
    assert_eq!(descriptions, ["Docket Report", "Image 1-0"], "{list:?}");
    let document = &list[1];
    assert_eq!(
        (document.pages, document.cost_cents, document.criteria.as_str()),
        (5, 50, format!("1:{year}-cv-00001").as_str())
    );
    // Manage My Account → Review Billing History: the quarter's total.
    let total = list.iter().map(|t| t.cost_cents).sum::<i64>();
    let quarter = openecf_domain::fees::Quarter::of(app.now()).to_string();
    p.get("/account/billing").await.assert_has(&format!(
        "<th scope=\"row\">{quarter}</th><td>2</td><td>{}</td><td>{}</td><td>$0.00 (waived: $30.00 or less)</td>",
        list.iter().map(|t| t.pages).sum::<i64>(),
        openecf_domain::fees::money(total)
    ));
    // The court's own staff read the court's documents at once, free.
    let court = app
        .store
        .court(&openecf_domain::CourtId::parse("nysd").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.store.write().await.unwrap();
    tx.add_staff(&court.id, account.id, app.now()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(p
        .get("/ecf/nysd/doc1/000100000001?main=1")
        .await
        .body
        .starts_with("%PDF"));
    let after = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    assert_eq!(after.len(), 2, "{after:?}");
}

#[tokio::test]
async fn a_docket_report_linked_from_another_site_charges_nothing_until_run_here() {
    let app = TestApp::spawn().await;
    case_with_two_entries(&app).await;
    let p = member_of_the_public(&app).await;
    let from_elsewhere = page(
        p.client
            .get(format!("{}/ecf/nysd/cgi-bin/DktRpt.pl?1", p.base))
            .header("Sec-Fetch-Site", "cross-site")
            .send()
            .await
            .unwrap(),
    )
    .await;
    from_elsewhere
        .assert_has("Another site sent you here to run a docket report")
        .assert_has(r#"<a href="/ecf/nysd/cgi-bin/DktRpt.pl?1">Run the docket report</a>"#)
        .assert_lacks("Transaction Receipt");
    let account = app.account("jfiler2027").await;
    let quarter = openecf_domain::fees::Quarter::of(app.now());
    assert!(openecf_app::fees::transactions(&app.app, &account, quarter)
        .await
        .unwrap()
        .is_empty());
    p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1")
        .await
        .assert_has("Transaction Receipt");
    assert_eq!(
        openecf_app::fees::transactions(&app.app, &account, quarter)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_view_document_page_is_good_for_an_hour_then_a_click_is_charged_again() {
    let app = TestApp::spawn().await;
    case_with_two_entries(&app).await;
    let p = member_of_the_public(&app).await;
    let view = p.get("/ecf/nysd/doc1/000100000001?main=1").await;
    let click = || {
        p.client
            .post(format!("{}/ecf/nysd/doc1/000100000001", p.base))
            .form(&[("csrf", view.hidden("csrf")), ("k", view.hidden("k"))])
            .send()
    };
    click().await.unwrap();
    click().await.unwrap();
    let account = app.account("jfiler2027").await;
    let count = || async {
        openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
            .await
            .unwrap()
            .len()
    };
    assert_eq!(count().await, 1, "a second click of the page is the same request");
    // The session stays live (a page every 25 minutes); the page's number grows old.
    for _ in 0..3 {
        app.advance(std::time::Duration::from_secs(25 * 60));
        p.get("/account/billing").await.assert_has("Review Billing History");
    }
    click().await.unwrap();
    assert_eq!(count().await, 2, "an old page's number is charged again");
}

#[tokio::test]
async fn a_sealed_entry_and_a_restricted_document_are_kept_from_the_public_and_never_charged() {
    let app = TestApp::spawn().await;
    let (filer, year) = case_with_two_entries(&app).await;
    let number = format!("1:{year}-cv-00001");
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    // Entry 3 refers to the motion (entry 2): "re 2".
    let csrf = filer.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let reply = Form::new()
        .text("csrf", csrf)
        .text("case_number", format!("{year}-1"))
        .text("event", "Response in Opposition to Motion")
        .text("party", "Jordan Filer")
        .text("refers_to", "2")
        .part("main", file_part("reply.pdf", pdf(1, "Reply", Extra::Nothing)));
    file_reviewed(&filer, "/ecf/nysd/civil/file", reply)
        .await
        .assert_has("Filed: document number 3");
    // The clerk seals the motion (entry 2) and restricts the complaint (entry 1's main document).
    openecf_app::record::seal_entry(&app.app, &nysd, &number, 2, true, "sealed by order", "clerk")
        .await
        .unwrap()
        .unwrap();
    openecf_app::record::restrict_document(&app.app, &nysd, &number, 1, 0, true, "holds an address", "clerk")
        .await
        .unwrap()
        .unwrap();
    let p = member_of_the_public(&app).await;
    let account = app.account("jfiler2027").await;
    let quarter = openecf_domain::fees::Quarter::of(app.now());

    // The docket report: entry 1 shows, its complaint without a link (the
    // attachment keeps its own); entry 2 is not there at all.
    let report = p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1").await;
    assert_eq!(report.status, StatusCode::OK);
    report
        .assert_has("COMPLAINT against")
        .assert_has("<td>1</td>")
        .assert_lacks("/ecf/nysd/doc1/000100000001\"")
        .assert_has("/ecf/nysd/doc1/000100000002")
        .assert_lacks("to Serve the Summons")
        .assert_lacks("Motion for Extension of Time")
        .assert_lacks("/ecf/nysd/doc1/000100000003")
        .assert_lacks("SEALED");
    // Entry 3's "re 2" keeps the number, without a link to the sealed entry's
    // document or the quote of its text.
    report.assert_has("RESPONSE in Opposition re 2 [sealed] filed by Jordan Filer.");
    // The sealed entry's document is not there for the public, nor is it
    // found by show_case_doc, the RSS feed or the court's Search.
    assert_eq!(p.get("/ecf/nysd/doc1/000100000003").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        p.get("/ecf/nysd/cgi-bin/show_case_doc?2,1").await.status,
        StatusCode::NOT_FOUND
    );
    let feed = app
        .cookieless()
        .get(format!("{}/ecf/nysd/cgi-bin/rss_outside.pl", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        feed.contains("[Complaint]") && !feed.contains("Motion for Extension"),
        "{feed}"
    );
    assert!(
        !feed.contains("000100000001"),
        "a restricted document is not linked: {feed}"
    );
    let search = p.get("/ecf/nysd/search").await;
    let found = p
        .get(&format!("/ecf/nysd/search?keyword=Summons&k={}", search.hidden("k")))
        .await;
    found.assert_lacks("to Serve the Summons");

    // The restricted complaint: the attachment menu lists it without a
    // link; its page says it is restricted; its View Document charges nothing.
    let menu = p.get("/ecf/nysd/doc1/000100000001").await;
    menu.assert_has("Main Document (restricted)")
        .assert_has("Civil Cover Sheet");
    let refused = p.get("/ecf/nysd/doc1/000100000001?main=1").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused
        .assert_has("This document is restricted by the court")
        .assert_has("No fee was charged")
        .assert_lacks("%PDF");
    let posted = p
        .client
        .post(format!("{}/ecf/nysd/doc1/000100000001", p.base))
        .form(&[("csrf", menu.hidden("csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    assert!(!posted.text().await.unwrap().starts_with("%PDF"));
    let charged: Vec<String> = openecf_app::fees::transactions(&app.app, &account, quarter)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.description)
        .collect();
    assert!(
        !charged.is_empty() && charged.iter().all(|d| !d.starts_with("Image")),
        "no document was charged: {charged:?}"
    );

    // The case's attorney of record: gets the restricted complaint, but not the sealed entry.
    let complaint = filer.get("/ecf/nysd/doc1/000100000001?main=1").await;
    assert!(complaint.body.starts_with("%PDF"), "{}", complaint.status);
    filer
        .get("/ecf/nysd/case/1")
        .await
        .assert_has("COMPLAINT against")
        .assert_lacks("to Serve the Summons");
    assert_eq!(
        filer.get("/ecf/nysd/doc1/000100000003").await.status,
        StatusCode::NOT_FOUND
    );

    // The court's staff see everything, the sealed entry marked as such.
    let mut tx = app.store.write().await.unwrap();
    tx.add_staff(&nysd, account.id, app.now()).await.unwrap();
    tx.commit().await.unwrap();
    p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1")
        .await
        .assert_has("SEALED (court only):")
        .assert_has("to Serve the Summons")
        .assert_has("/ecf/nysd/doc1/000100000001")
        .assert_has("/ecf/nysd/doc1/000100000003");
    assert!(p.get("/ecf/nysd/doc1/000100000003").await.body.starts_with("%PDF"));

    // Unsealed, the public sees the entry again.
    openecf_app::record::seal_entry(&app.app, &nysd, &number, 2, false, "order vacated", "clerk")
        .await
        .unwrap()
        .unwrap();
    let public = member_of_the_public_again(&app).await;
    public
        .get("/ecf/nysd/cgi-bin/DktRpt.pl?1")
        .await
        .assert_has("to Serve the Summons");
}

/// A second PACER user with no part in any case (the first became staff).
async fn member_of_the_public_again(app: &TestApp) -> Browser {
    let b = app.browser();
    b.login("mlinked2026", PACER_PW).await;
    b
}

#[tokio::test]
async fn the_docket_report_prints_what_court_staff_record_as_cmecf_does() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    let today = openecf_domain::CourtZone::default().today(app.now());
    openecf_app::record::set_details(
        &app.app,
        &nysd,
        &format!("{year}-1"),
        &openecf_app::record::DetailChanges {
            referred_to: Some("Sarah Netburn".into()),
            date_terminated: Some(Some(today)),
            ..Default::default()
        },
        "judgment entered",
        "clerk",
    )
    .await
    .unwrap()
    .unwrap();
    let p = member_of_the_public(&app).await;
    let day = court_day(&app, 0);
    p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1")
        .await
        .assert_has("Referred to: Magistrate Judge Sarah Netburn<br>")
        .assert_has(&format!("Date Filed: {day}<br>Date Terminated: {day}<br>"));
    p.get("/ecf/nysd/cgi-bin/iquery.pl?1")
        .await
        .assert_has("Sarah Netburn, referral<br>")
        .assert_has(&format!("<b>Date terminated:</b> {day}"));
}

/// A court event marked as a written opinion, filed into the demo case as entry 3.
async fn file_an_opinion(app: &TestApp, filer: &Browser, year: &str) {
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    let event = openecf_domain::Event {
        category: "Orders and Judgments".into(),
        name: "Memorandum Opinion".into(),
        docket_text: "MEMORANDUM OPINION".into(),
        appearance: false,
    };
    openecf_app::filing::catalogue::add_event(&app.app, &nysd, openecf_domain::EventMenu::Civil, &event, "clerk")
        .await
        .unwrap()
        .unwrap();
    assert!(
        openecf_app::filing::catalogue::set_opinion(&app.app, &nysd, "Memorandum Opinion", true, "clerk")
            .await
            .unwrap()
            .unwrap()
    );
    let csrf = filer.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let opinion = Form::new()
        .text("csrf", csrf)
        .text("case_number", format!("{year}-1"))
        .text("event", "Memorandum Opinion")
        .text("party", "Jordan Filer")
        .text("docket_text", "and Order on the Motion")
        .part("main", file_part("opinion.pdf", pdf(12, "Opinion", Extra::Nothing)));
    file_reviewed(filer, "/ecf/nysd/civil/file", opinion)
        .await
        .assert_has("Filed: document number 3");
}

#[tokio::test]
async fn the_reports_menu_runs_the_written_opinions_report_free_and_its_opinions_are_free() {
    let app = TestApp::spawn().await;
    let (filer, year) = case_with_two_entries(&app).await;
    file_an_opinion(&app, &filer, &year).await;
    let p = member_of_the_public(&app).await;
    let menu = p.get("/ecf/nysd/reports").await;
    assert_eq!(menu.status, StatusCode::OK);
    menu.assert_has(r#"<a href="/ecf/nysd/cgi-bin/DktRpt.pl">Docket Report</a>"#)
        .assert_has(r#"<a href="/ecf/nysd/cgi-bin/WrtOpRpt.pl">Written Opinions</a>"#)
        .assert_has(r#"<a href="/ecf/nysd/cgi-bin/CalEvents.pl">Calendar Events</a>"#)
        .assert_lacks("Claims Register");
    p.get("/ecf/gamb/reports").await.assert_has("Claims Register");
    // The form, then the report: one row, the opinion, linked to its case and document.
    let form = p.get("/ecf/nysd/cgi-bin/WrtOpRpt.pl").await;
    form.assert_has(r#"<label for="filed_from">Filed from</label>"#)
        .assert_has("WrtOpRpt.pl?1-L_1_0-1");
    let day = court_day(&app, 0);
    let report = p
        .get(&format!(
            "/ecf/nysd/cgi-bin/WrtOpRpt.pl?filed_from={day}&filed_to={day}"
        ))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    report
        .assert_has(&format!(
            r#"<td>{day}</td><td><a href="/ecf/nysd/cgi-bin/DktRpt.pl?1">1:{year}-cv-00001"#
        ))
        .assert_has("<b>Jordan Filer v. Acme Widgets, Inc.</b>")
        .assert_has(r#"<a href="/ecf/nysd/doc1/000100000004">3</a>"#)
        .assert_has("MEMORANDUM OPINION and Order on the Motion")
        .assert_lacks("to Serve the Summons")
        .assert_has("<i>NOS:</i> 190 Contract: Other")
        .assert_has("<b>Total number of opinions reported:</b> 1")
        .assert_has("Transaction Receipt");
    let bad = p
        .get("/ecf/nysd/cgi-bin/WrtOpRpt.pl?filed_from=12/31/2026&filed_to=01/01/2026")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("The start date must be less than or equal to the end date.");
    // The opinion itself is free: its View Document page says so, and the click charges nothing.
    let view = p.get("/ecf/nysd/doc1/000100000004").await;
    view.assert_has("0.00 (free: opinion)");
    let doc = p
        .client
        .post(format!("{}/ecf/nysd/doc1/000100000004", p.base))
        .form(&[("csrf", view.hidden("csrf")), ("k", view.hidden("k"))])
        .send()
        .await
        .unwrap();
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|t| t.cost_cents == 0), "{list:?}");
}

#[tokio::test]
async fn calendar_events_list_the_hearings_staff_schedule_billed_as_a_search() {
    let app = TestApp::spawn().await;
    let (_, year) = case_with_two_entries(&app).await;
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    let zone = openecf_domain::CourtZone::default();
    let tomorrow = zone.today(app.now()) + chrono::Days::new(1);
    let at = |hm: &str| openecf_domain::record::parse_hearing_time(&format!("{tomorrow} {hm}")).unwrap();
    let schedule = |when, what: &str| {
        let hearing = openecf_app::record::NewHearing {
            at: when,
            description: what.into(),
            location: "Courtroom 5A".into(),
        };
        let (app, nysd, number) = (app.app.clone(), nysd.clone(), format!("{year}-1"));
        async move {
            openecf_app::record::schedule_hearing(&app, &nysd, &number, &hearing, "clerk")
                .await
                .unwrap()
                .unwrap()
                .1
        }
    };
    schedule(at("09:30"), "Motion Hearing re 2 Motion for Extension of Time").await;
    let cancelled = schedule(at("14:00"), "Status Conference").await;
    openecf_app::record::cancel_hearing(&app.app, &nysd, cancelled, "adjourned", "clerk")
        .await
        .unwrap()
        .unwrap();
    let p = member_of_the_public(&app).await;
    let form = p.get("/ecf/nysd/cgi-bin/CalEvents.pl").await;
    form.assert_has(r#"<label for="date_from">From</label>"#);
    let day = tomorrow.format("%m/%d/%Y").to_string();
    let report = p
        .get(&format!("/ecf/nysd/cgi-bin/CalEvents.pl?date_from={day}&date_to={day}"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    report
        .assert_has(&format!("<td>{day}</td><td>9:30 AM</td>"))
        .assert_has(&format!("1:{year}-cv-00001"))
        .assert_has("Motion Hearing re 2 Motion for Extension of Time")
        .assert_has("Courtroom 5A")
        .assert_lacks("Status Conference")
        .assert_has("<th scope=\"row\">Description:</th><td>Calendar Events</td>")
        .assert_has("<th scope=\"row\">Billable Pages:</th><td>1</td>");
    // None in range: a page all the same.
    p.get("/ecf/nysd/cgi-bin/CalEvents.pl?date_from=01/01/2020&date_to=01/02/2020")
        .await
        .assert_has("No hearings are scheduled in this range.")
        .assert_has("<th scope=\"row\">Billable Pages:</th><td>1</td>");
    // A hearing in the past is refused.
    let past = openecf_app::record::schedule_hearing(
        &app.app,
        &nysd,
        &format!("{year}-1"),
        &openecf_app::record::NewHearing {
            at: openecf_domain::record::parse_hearing_time("2020-01-01 09:00").unwrap(),
            description: "x".into(),
            location: "y".into(),
        },
        "clerk",
    )
    .await
    .unwrap();
    assert!(matches!(
        past,
        Err(openecf_domain::RecordRefusal::Hearing(
            openecf_domain::HearingRefusal::Passed(_)
        ))
    ));
}

#[tokio::test]
async fn a_creditor_files_a_proof_of_claim_and_the_public_reads_the_claims_register() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    b.confirm("gamb", &verify, "submit").await;
    let notice = b.get("/ecf/gamb/bankruptcy/open").await;
    b.submit(&notice, "/ecf/gamb/redaction", &[("understand", "yes")]).await;
    let csrf = b.get("/ecf/gamb/bankruptcy/open").await.hidden("csrf");
    let petition = Form::new()
        .text("csrf", csrf.clone())
        .text("chapter", "7")
        .text("debtor", "Jane Debtor")
        .text("debtor_ssn", "123-45-6789")
        .part("main", file_part("petition.pdf", pdf(4, "Petition", Extra::Nothing)));
    post_multipart(&b, "/ecf/gamb/bankruptcy/open", petition).await;
    let year = app.now().format("%y").to_string();
    // The Bankruptcy menu leads to the Proof of Claim form, after Claim Actions.
    b.get("/ecf/gamb/bankruptcy")
        .await
        .assert_has(r#"Claim Actions</a></li><li><a href="/ecf/gamb/bankruptcy/claim">File a Proof of Claim</a>"#);
    let form = b.get("/ecf/gamb/bankruptcy/claim").await;
    form.assert_has(r#"<label for="creditor_name">Creditor name</label>"#);
    let claim = |creditor: &str, amount: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("case_number", format!("{year}-1"))
            .text("creditor_name", creditor.to_owned())
            .text("creditor_address", "PO Box 100\nMacon, GA 31201")
            .text("amount", amount.to_owned())
            .part("main", file_part("poc.pdf", pdf(3, "Proof of Claim", Extra::Nothing)))
    };
    let refused = post_multipart(&b, "/ecf/gamb/bankruptcy/claim", claim("Acme Bank", "lots")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has("Amount claimed: type dollars and cents");
    post_multipart(&b, "/ecf/gamb/bankruptcy/claim", claim("Acme Bank", "$1,234.56"))
        .await
        .assert_has("Claim #1 filed in 1:")
        .assert_has("Amount claimed: $1234.56");
    post_multipart(&b, "/ecf/gamb/bankruptcy/claim", claim("Beta Finance", "50"))
        .await
        .assert_has("Claim #2 filed");
    // Not on the docket.
    let p = member_of_the_public(&app).await;
    p.get("/ecf/gamb/cgi-bin/DktRpt.pl?1").await.assert_lacks("Acme Bank");
    // The register: the form, then the case's claims, billed as a case's report.
    p.get("/ecf/gamb/cgi-bin/SearchClaims.pl")
        .await
        .assert_has(r#"<label for="case_num">Case number</label>"#);
    let register = p
        .get(&format!("/ecf/gamb/cgi-bin/SearchClaims.pl?case_num={year}-1"))
        .await;
    assert_eq!(register.status, StatusCode::OK, "{}", register.body);
    register
        .assert_has("Claims Register")
        .assert_has(&format!("1:{year}-bk-00001 Jane Debtor</a>"))
        .assert_has("<b>Claim No: 1</b>")
        .assert_has("<b>Claim No: 2</b>")
        .assert_has("Acme Bank<br>PO Box 100<br>Macon, GA 31201")
        .assert_has("<td>Amount</td><td>claimed:</td><td>$1234.56</td>")
        .assert_has("Claim #1 filed by Acme Bank, Amount claimed: $1234.56 (jfiler2026)")
        .assert_has("<b>Total Number Of Claims:</b> 2")
        .assert_has("<b>Total Amount Claimed:</b> $1284.56")
        .assert_has("<th scope=\"row\">Description:</th><td>Claims Register</td>")
        .assert_lacks("6789");
    // A claim's document: View Document, then the PDF, charged once by its pages.
    let href = "/ecf/gamb/cgi-bin/show_doc.pl?caseid=1&claim_id=1&claim_num=1-1";
    assert!(register.has(&href.replace('&', "&#38;")), "{}", register.body);
    let view = p.get(href).await;
    view.assert_has("To accept charges shown below")
        .assert_has("<th scope=\"row\">Billable Pages</th><td>3</td>");
    let doc = p
        .client
        .post(format!("{}{href}", p.base))
        .form(&[("csrf", view.hidden("csrf")), ("k", view.hidden("k"))])
        .send()
        .await
        .unwrap();
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    let claim_charge = list.iter().find(|t| t.description == "Claim 1-1").unwrap();
    assert_eq!(claim_charge.cost_cents, 30);
    // A district court has no claims register.
    assert_eq!(
        p.get("/ecf/nysd/cgi-bin/SearchClaims.pl").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn court_staff_seal_restrict_record_details_and_schedule_from_the_clerk_console() {
    let app = TestApp::spawn().await;
    let (filer, year) = case_with_two_entries(&app).await;
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    let clerk = app.account("mlinked2026").await;
    let mut tx = app.store.write().await.unwrap();
    tx.add_staff(&nysd, clerk.id, app.now()).await.unwrap();
    tx.commit().await.unwrap();
    let staff = app.browser();
    staff.login("mlinked2026", PACER_PW).await;
    // Only the court's staff reach the page.
    assert_eq!(filer.get("/ecf/nysd/admin/record").await.status, StatusCode::FORBIDDEN);
    let page = staff.get("/ecf/nysd/admin/record").await;
    page.assert_has(r#"<label for="seal-case">Case number</label>"#)
        .assert_has(r#"<a href="/ecf/nysd/admin/record">Case record</a>"#);
    let number = format!("{year}-1");
    // A refusal comes back with the reason, and changes nothing.
    let refused = staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/seal",
            &[
                ("case", &number),
                ("entry", "9"),
                ("action", "seal"),
                ("reason", "order"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has("has no entry 9");
    let sealed = staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/seal",
            &[
                ("case", &number),
                ("entry", "2"),
                ("action", "seal"),
                ("reason", "sealed by order"),
            ],
        )
        .await;
    sealed.assert_has("The entry is sealed");
    staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/restrict",
            &[
                ("case", &number),
                ("entry", "1"),
                ("attachment", "1"),
                ("action", "restrict"),
                ("reason", "an address"),
            ],
        )
        .await
        .assert_has("The document is restricted");
    let today = openecf_domain::CourtZone::default().today(app.now()).to_string();
    staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/details",
            &[
                ("case", &number),
                ("referred_to", "Sarah Netburn"),
                ("terminated", &today),
                ("reason", "judgment"),
            ],
        )
        .await
        .assert_has("The case&#39;s details are recorded");
    staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/details",
            &[("case", &number), ("converted", &today), ("reason", "x")],
        )
        .await
        .assert_has("Date Converted: only a bankruptcy case has one");
    let tomorrow = (openecf_domain::CourtZone::default().today(app.now()) + chrono::Days::new(1)).to_string();
    staff
        .submit(
            &page,
            "/ecf/nysd/admin/record/hearing",
            &[
                ("case", &number),
                ("at", &format!("{tomorrow} 10:00")),
                ("description", "Status Conference"),
                ("location", "Courtroom 5A"),
            ],
        )
        .await
        .assert_has("The hearing is scheduled");
    // The public sees the result.
    let p = member_of_the_public(&app).await;
    p.get("/ecf/nysd/cgi-bin/DktRpt.pl?1")
        .await
        .assert_lacks("to Serve the Summons")
        .assert_lacks("/ecf/nysd/doc1/000100000002")
        .assert_has("Referred to: Magistrate Judge Sarah Netburn");
    // Audited with the staff member's PACER username.
    let events = openecf_app::audit::list(
        &app.app,
        &openecf_store::AuditFilter {
            court: Some("nysd".into()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(events
        .iter()
        .any(|e| e.event.action == "case.seal" && e.event.detail.contains("by mlinked2026: sealed by order")));
    assert!(events.iter().any(|e| e.event.action == "case.hearing"));
}
