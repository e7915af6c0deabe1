//! Filing over HTTP: a linked filer opens a civil case, files a motion with
//! an attachment, reads the docket and the document; bad PDFs and forged
//! forms are refused.

use crate::helpers::*;
use openecf_app::filing::pdf::sample::{pdf, Extra};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

pub(crate) fn file_part(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("application/pdf")
        .unwrap()
}

pub(crate) async fn post_multipart(b: &Browser, path: &str, form: Form) -> Page {
    page(
        b.client
            .post(format!("{}{path}", b.base))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Files into an existing case the way a filer does: the file form, then
/// Submit on the review page ("Docket Text: Final Text").
pub(crate) async fn file_reviewed(b: &Browser, path: &str, form: Form) -> Page {
    let review = post_multipart(b, path, form).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    review.assert_has("<h1>Docket Text: Final Text</h1>");
    b.submit(&review, &format!("{path}/submit"), &[("action", "submit")])
        .await
}

/// jfiler2026, logged in and linked at nysd (a live district court).
pub(crate) async fn linked_filer(app: &TestApp) -> Browser {
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("nysd", "jfiler", ECF_PW).await;
    b.confirm("nysd", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    // The first filing page of the session asks for the redaction acknowledgment.
    let notice = b.get("/ecf/nysd/civil/open").await;
    notice.assert_has("I understand that, if I file, I must comply with the redaction rules. I have read this notice.");
    let unticked = b.submit(&notice, "/ecf/nysd/redaction", &[]).await;
    assert_eq!(unticked.status, StatusCode::CONFLICT);
    b.submit(&notice, "/ecf/nysd/redaction", &[("understand", "yes")])
        .await
        .assert_has("Open a Civil Case");
    b
}

#[tokio::test]
async fn a_linked_filer_opens_a_case_files_a_motion_and_reads_the_docket() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let menu = b.get("/ecf/nysd/civil").await;
    menu.assert_has(r#"<a href="/ecf/nysd/civil/open">Open a Civil Case</a>"#);
    let form = b.get("/ecf/nysd/civil/open").await;
    let csrf = form.hidden("csrf");
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
    receipt
        .assert_has("Notice of Electronic Filing")
        .assert_has(&format!("1:{year}-cv-00001"))
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has("COMPLAINT against Acme Widgets, Inc. filed by Jordan Filer.");
    // A motion with an exhibit, into the case, by its number as typed loosely.
    let motion = Form::new()
        .text("csrf", csrf.clone())
        .text("case_number", format!("{year}cv1"))
        .text("event", "Motion for Extension of Time")
        .text("party", "Jordan Filer")
        .text("docket_text", "to Serve the Summons")
        .part("main", file_part("motion.pdf", pdf(2, "Motion", Extra::Nothing)))
        .part(
            "attachment",
            file_part("exhibit-a.pdf", pdf(1, "Exhibit", Extra::Nothing)),
        )
        .text("attachment_description", "Exhibit A");
    let filed = file_reviewed(&b, "/ecf/nysd/civil/file", motion).await;
    filed
        .assert_has("Filed: document number 2")
        .assert_has("MOTION for Extension of Time to Serve the Summons filed by Jordan Filer.")
        .assert_has("exhibit-a.pdf");
    // The docket, and the document behind its link.
    let case_href = filed.link(&format!("1:{year}-cv-00001"));
    let docket = b.get(&case_href).await;
    docket
        .assert_has(&format!("CIVIL DOCKET FOR CASE #: 1:{year}-cv-00001"))
        .assert_has("Jordan Filer (LEAD ATTORNEY)")
        .assert_has("MOTION for Extension of Time");
    let doc_href = docket.link("2");
    let doc = b.client.get(format!("{}{doc_href}", b.base)).send().await.unwrap();
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert_eq!(doc.bytes().await.unwrap().to_vec(), pdf(2, "Motion", Extra::Nothing));
    // The notice went to the attorney of record, as CM/ECF's HTML mail.
    let mail = app.mail_to("jfiler2026@example.com").await;
    let nef = mail
        .iter()
        .find(|m| m.subject == format!("Activity in Case 1:{year}-cv-00001 Jordan Filer v. Acme Widgets, Inc. Motion for Extension of Time"))
        .expect("the NEF");
    assert!(nef.html && nef.body.contains("Electronic document Stamp:"));
    // Someone not of record reads the public docket report, and the
    // document only through its View Document page; they may not file.
    let other = app.browser();
    other.login("jfiler2027", PACER_PW).await;
    let public = other.get(&case_href).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.url.contains("/cgi-bin/DktRpt.pl?"), "{}", public.url);
    public.assert_has(&format!("CIVIL DOCKET FOR CASE #: 1:{year}-cv-00001"));
    // (Entry 2 has an exhibit: the menu of its documents comes first.)
    let view = other.get(&doc_href).await;
    view.assert_has("Document Selection Menu").assert_lacks("%PDF");
    assert_eq!(other.get("/ecf/nysd/civil/open").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_pdfs_and_forged_forms_are_refused_and_keep_nothing() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let form = |csrf: &str, main: Vec<u8>| {
        Form::new()
            .text("csrf", csrf.to_owned())
            .text("plaintiffs", "Jordan Filer")
            .text("defendants", "Acme")
            .text("nature_of_suit", "190 Contract: Other")
            .text("cause", "Breach")
            .text("jurisdiction", "Diversity")
            .text("jury_demand", "None")
            .part("main", file_part("complaint.pdf", main))
    };
    for (bad, message) in [
        (pdf(1, "x", Extra::JavaScript), "it contains JavaScript"),
        (pdf(1, "x", Extra::Launch), "launches another program"),
        (pdf(1, "x", Extra::EmbeddedFile), "files embedded in it"),
        (pdf(1, "x", Extra::Encrypted), "encrypted or protected by a password"),
        (b"not a pdf at all".to_vec(), "the file is not a PDF document"),
    ] {
        let refused = post_multipart(&b, "/ecf/nysd/civil/open", form(&csrf, bad)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused
            .assert_has("This PDF document cannot be accepted")
            .assert_has(message)
            .assert_has(r#"value="190 Contract: Other""#);
    }
    let forged = post_multipart(
        &b,
        "/ecf/nysd/civil/open",
        form("0".repeat(64).as_str(), pdf(1, "x", Extra::Nothing)),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let year = app.now().format("%y").to_string();
    let none = b.get(&format!("/ecf/nysd/civil/file?case_number={year}-1")).await;
    none.assert_has(&format!("value=\"{year}-1\""));
    // Nothing was kept: the first case still gets number 1.
    let ok = post_multipart(&b, "/ecf/nysd/civil/open", form(&csrf, pdf(1, "x", Extra::Nothing))).await;
    ok.assert_has(&format!("1:{year}-cv-00001"));
}

#[tokio::test]
async fn check_pdf_document_says_whether_a_pdf_can_be_filed() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    b.get("/ecf/gamb/utilities").await.assert_has("Check PDF Document");
    let csrf = b.get("/ecf/gamb/utilities/check-pdf").await.hidden("csrf");
    let check = |bytes: Vec<u8>| {
        Form::new()
            .text("csrf", csrf.clone())
            .part("document", file_part("x.pdf", bytes))
    };
    let good = post_multipart(&b, "/ecf/gamb/utilities/check-pdf", check(pdf(3, "ok", Extra::Nothing))).await;
    good.assert_has("This PDF document can be filed: 3 pages.");
    let bad = post_multipart(
        &b,
        "/ecf/gamb/utilities/check-pdf",
        check(pdf(1, "x", Extra::EmbeddedFile)),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("This PDF document cannot be accepted: it has files embedded in it.");
}

#[tokio::test]
async fn a_linked_filer_opens_a_joint_petition_an_adversary_and_files_into_it() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    let menu = b.get("/ecf/gamb/bankruptcy").await;
    menu.assert_has(r#"<a href="/ecf/gamb/bankruptcy/open">"#);
    let notice = b.get("/ecf/gamb/bankruptcy/open").await;
    b.submit(&notice, "/ecf/gamb/redaction", &[("understand", "yes")])
        .await
        .assert_has("Open a Bankruptcy Case: Voluntary Petition")
        .assert_has("Chapter 7 (filing fee $338.00)");
    // A district court has no petitions, even for a filer linked there.
    let verify = b.submit_link("nysd", "jfiler", ECF_PW).await;
    b.confirm("nysd", &verify, "submit").await;
    assert_eq!(b.get("/ecf/nysd/bankruptcy/open").await.status, StatusCode::NOT_FOUND);
    let csrf = b.get("/ecf/gamb/bankruptcy/open").await.hidden("csrf");
    let petition = |joint_ssn: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("chapter", "7")
            .text("debtor", "Jane Debtor")
            .text("debtor_ssn", "123-45-6789")
            .text("joint", "John Debtor")
            .text("joint_ssn", joint_ssn.to_owned())
            .part("main", file_part("petition.pdf", pdf(40, "Petition", Extra::Nothing)))
    };
    // A wrong SSN is named, the form keeps the names, and no case is opened.
    let refused = post_multipart(&b, "/ecf/gamb/bankruptcy/open", petition("12-34")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused
        .assert_has("Joint debtor SSN/ITIN: nine digits, like 123-45-6789")
        .assert_has(r#"value="John Debtor""#)
        .assert_lacks("123-45-6789\"");
    let year = app.now().format("%y").to_string();
    let receipt = post_multipart(&b, "/ecf/gamb/bankruptcy/open", petition("987654321")).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    receipt
        .assert_has(&format!("1:{year}-bk-00001"))
        .assert_has("Chapter 7 Voluntary Petition (Joint). Fee Amount $338.00 Filed by Jane Debtor and John Debtor.")
        .assert_lacks("6789")
        .assert_lacks("987654321");
    let docket = b.get(&receipt.link(&format!("1:{year}-bk-00001"))).await;
    docket
        .assert_has("Chapter 7")
        .assert_has("xxx-xx-6789")
        .assert_lacks("123-45-6789");
    // An adversary proceeding, by the lead case's number as typed loosely.
    let adversary = Form::new()
        .text("csrf", csrf.clone())
        .text("lead_case", format!("{year}-1"))
        .text("plaintiffs", "Chapter 7 Trustee")
        .text("defendants", "Preferred Creditor LLC")
        .text("nature_of_suit", "12 Recovery of money/property - 547 preference")
        .part("main", file_part("complaint.pdf", pdf(8, "Complaint", Extra::Nothing)));
    let opened = post_multipart(&b, "/ecf/gamb/adversary/open", adversary).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    opened.assert_has(&format!("1:{year}-ap-00001"));
    // And a motion into the bankruptcy case.
    let motion = Form::new()
        .text("csrf", csrf.clone())
        .text("case_number", format!("1:{year}-bk-1"))
        .text("event", "Motion for Relief from Stay")
        .text("party", "Jane Debtor")
        .text("docket_text", "as to 12 Main Street")
        .part("main", file_part("motion.pdf", pdf(3, "Motion", Extra::Nothing)));
    let filed = file_reviewed(&b, "/ecf/gamb/bankruptcy/file", motion).await;
    filed
        .assert_has("Filed: document number 3")
        .assert_has("MOTION for Relief from Stay as to 12 Main Street filed by Jane Debtor.");
    let lead = b.get(&filed.link(&format!("1:{year}-bk-00001"))).await;
    lead.assert_has(&format!("Adversary case 1:{year}-ap-00001."));
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert!(mail
        .iter()
        .any(|m| m.subject == format!("Ch-7 1:{year}-bk-00001 Jane Debtor and John Debtor Voluntary Petition")));
    assert!(mail.iter().all(|m| !m.body.contains("123-45-6789")));
    // The creditor matrix is plain text, each line at most 40 characters.
    let matrix = |text: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("case_number", format!("1:{year}-bk-1"))
            .text("event", "Creditor Matrix")
            .text("party", "Jane Debtor")
            .part(
                "main",
                Part::bytes(text.as_bytes().to_vec())
                    .file_name("matrix.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            )
    };
    let long = post_multipart(
        &b,
        "/ecf/gamb/bankruptcy/file",
        matrix("Preferred Creditor LLC, 1200 Peachtree Street NE\n"),
    )
    .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    long.assert_has("Creditor matrix: line 1 has 48 characters; a creditor matrix allows at most 40 a line.");
    let listed = "Preferred Creditor LLC\n1200 Peachtree Street NE\nAtlanta, GA 30309\n\nFirst Bank\nMacon, GA 31201\n";
    let filed = file_reviewed(&b, "/ecf/gamb/bankruptcy/file", matrix(listed)).await;
    filed.assert_has("Filed: document number 4").assert_has("matrix.txt");
    let docket = b.get(&filed.link(&format!("1:{year}-bk-00001"))).await;
    let doc = b
        .client
        .get(format!("{}{}", b.base, docket.link("4")))
        .send()
        .await
        .unwrap();
    assert_eq!(doc.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(doc.text().await.unwrap(), listed);
}

/// The path of the free-look link (`…/doc1/ID?magic_num=…`) in a notice.
fn free_look_link(body: &str) -> String {
    let href = body
        .split('"')
        .find(|part| part.contains("magic_num="))
        .expect("a free-look link");
    href[href.find("/ecf/").expect("a court path")..].to_owned()
}

#[tokio::test]
async fn each_recipient_of_a_notice_opens_the_document_once_free() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let open = Form::new()
        .text("csrf", csrf)
        .text("plaintiffs", "Jordan Filer")
        .text("defendants", "Acme")
        .text("nature_of_suit", "190 Contract: Other")
        .text("cause", "Breach")
        .text("jurisdiction", "Diversity")
        .text("jury_demand", "None")
        .part("main", file_part("complaint.pdf", pdf(2, "Complaint", Extra::Nothing)));
    let receipt = post_multipart(&b, "/ecf/nysd/civil/open", open).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    // The receipt's own link is the plain one; the mailed notice's is the free look.
    assert!(!receipt.body.contains("magic_num"));
    let mail = app.mail_to("jfiler2026@example.com").await;
    let nef = mail.iter().find(|m| m.subject.starts_with("Activity in Case")).unwrap();
    let link = free_look_link(&nef.body);
    // Without logging in: the link (fetched twice, as a mail scanner would)
    // shows a page; its View Document button spends the free look once.
    let stranger = app.browser();
    let scanned = stranger.get(&link).await;
    let landing = stranger.get(&link).await;
    assert_eq!((scanned.status, landing.status), (StatusCode::OK, StatusCode::OK));
    landing.assert_has("View Document").assert_has("complaint.pdf");
    let view = |csrf: String| {
        stranger
            .client
            .post(format!("{}{link}", stranger.base))
            .form(&[("csrf", csrf)])
            .send()
    };
    let first = view(landing.hidden("csrf")).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["content-type"], "application/pdf");
    assert_eq!(
        first.bytes().await.unwrap().to_vec(),
        pdf(2, "Complaint", Extra::Nothing)
    );
    let again = view(landing.hidden("csrf")).await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("has been used or has expired"));
    assert_eq!(stranger.get(&link).await.status, StatusCode::GONE);
    // A View Document without the page's token is refused.
    let forged_post = stranger
        .client
        .post(format!("{}{link}", b.base))
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged_post.status(), StatusCode::FORBIDDEN);
    let stranger = reqwest::Client::new();
    // A made-up token, or one for another document, opens nothing.
    let (path, _) = link.split_once("?magic_num=").unwrap();
    let forged = stranger
        .get(format!("{}{path}?magic_num={}", b.base, "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    // Without a token, a stranger is sent to PACER LOGIN.
    let plain = b.client.get(format!("{}{path}", b.base));
    assert_eq!(
        plain.send().await.unwrap().status(),
        StatusCode::OK,
        "the attorney of record reads it"
    );
    let anonymous = app.browser();
    assert!(anonymous.get(path).await.url.contains("/csologin/login"));
    let rows = app
        .store
        .free_looks(openecf_domain::parse_doc1_number(path.rsplit('/').next().unwrap()).unwrap())
        .await
        .unwrap();
    assert_eq!(rows, vec![("jfiler2026@example.com".to_owned(), true)]);
}

#[tokio::test]
async fn a_free_look_expires_after_fifteen_days() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let open = Form::new()
        .text("csrf", csrf)
        .text("plaintiffs", "Jordan Filer")
        .text("defendants", "Acme")
        .text("nature_of_suit", "190 Contract: Other")
        .text("cause", "Breach")
        .text("jurisdiction", "Diversity")
        .text("jury_demand", "None")
        .part("main", file_part("complaint.pdf", pdf(1, "Complaint", Extra::Nothing)));
    post_multipart(&b, "/ecf/nysd/civil/open", open).await;
    let mail = app.mail_to("jfiler2026@example.com").await;
    let nef = mail.iter().find(|m| m.subject.starts_with("Activity in Case")).unwrap();
    let link = free_look_link(&nef.body);
    app.advance(std::time::Duration::from_secs(15 * 24 * 60 * 60 + 1));
    let late = reqwest::Client::new()
        .get(format!("{}{link}", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::GONE);
}

#[tokio::test]
async fn court_staff_open_a_criminal_case_and_filers_may_not() {
    let app = TestApp::spawn().await;
    let filer = linked_filer(&app).await;
    let refused = filer.get("/ecf/nysd/criminal/open").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_has("Criminal cases are opened by the clerk&#39;s office");
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    openecf_app::courts::set_staff(&app.app, &nysd, "jfiler2027", true, "test")
        .await
        .unwrap()
        .unwrap();
    let clerk = app.browser();
    clerk.login("jfiler2027", PACER_PW).await;
    let utilities = clerk.get("/ecf/nysd/utilities").await;
    let form = clerk.get(&utilities.link("Open a Criminal Case")).await;
    form.assert_has("Open a Criminal Case");
    let csrf = form.hidden("csrf");
    let indictment = |defendants: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("case_type", "cr")
            .text("defendants", defendants.to_owned())
            .text("cause", "18:1343 Wire Fraud")
            .part(
                "main",
                file_part("indictment.pdf", pdf(9, "Indictment", Extra::Nothing)),
            )
    };
    let missing = post_multipart(&clerk, "/ecf/nysd/criminal/open", indictment("  ")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    missing.assert_has("Defendant: name at least one.");
    let year = app.now().format("%y").to_string();
    let receipt = post_multipart(&clerk, "/ecf/nysd/criminal/open", indictment("John Smith")).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    receipt
        .assert_has(&format!("1:{year}-cr-00001"))
        .assert_has("INDICTMENT as to John Smith (1).");
    clerk
        .get(&receipt.link(&format!("1:{year}-cr-00001")))
        .await
        .assert_has(&format!("CRIMINAL DOCKET FOR CASE #: 1:{year}-cr-00001"))
        .assert_has("USA v. John Smith");
    // Bankruptcy courts have no criminal cases.
    assert_eq!(clerk.get("/ecf/gamb/criminal/open").await.status, StatusCode::NOT_FOUND);
    // Defence counsel appear from the Criminal menu; a civil event is refused.
    let menu = filer.get("/ecf/nysd/criminal").await;
    let notices = filer.get(&menu.link("Notices")).await;
    notices
        .assert_has("Criminal Events")
        .assert_has("Notice of Attorney Appearance")
        .assert_lacks("Answer to Complaint");
    let csrf = notices.hidden("csrf");
    let appearance = Form::new()
        .text("csrf", csrf.clone())
        .text("case_number", format!("{year}-cr-1"))
        .text("event", "Notice of Attorney Appearance")
        .text("party", "John Smith")
        .text("docket_text", "Jordan Filer appearing for John Smith")
        .part(
            "main",
            file_part("appearance.pdf", pdf(1, "Appearance", Extra::Nothing)),
        );
    let filed = file_reviewed(&filer, "/ecf/nysd/criminal/file", appearance).await;
    filed
        .assert_has("Filed: document number 2")
        .assert_has("NOTICE OF ATTORNEY APPEARANCE Jordan Filer appearing for John Smith filed by John Smith.");
    let civil = Form::new()
        .text("csrf", csrf)
        .text("case_number", format!("{year}-cr-1"))
        .text("event", "Motion to Dismiss")
        .text("party", "John Smith")
        .part("main", file_part("m.pdf", pdf(1, "M", Extra::Nothing)));
    let refused = post_multipart(&filer, "/ecf/nysd/civil/file", civil).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has(&format!(
        "1:{year}-cr-00001 is a criminal case: file into it from the Criminal menu."
    ));
    assert_eq!(filer.get("/ecf/gamb/criminal/file").await.status, StatusCode::FORBIDDEN);
}

/// A civil case at nysd opened by jfiler2026 for Jordan Filer; its case number as typed.
async fn opened_case(app: &TestApp, b: &Browser) -> String {
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let open = Form::new()
        .text("csrf", csrf)
        .text("plaintiffs", "Jordan Filer")
        .text("defendants", "Acme Widgets, Inc.")
        .text("nature_of_suit", "190 Contract: Other")
        .text("cause", "28:1332 Diversity-Breach of Contract")
        .text("jurisdiction", "Diversity")
        .text("jury_demand", "None")
        .part("main", file_part("complaint.pdf", pdf(2, "Complaint", Extra::Nothing)));
    let receipt = post_multipart(b, "/ecf/nysd/civil/open", open).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    format!("{}-1", app.now().format("%y"))
}

#[tokio::test]
async fn the_event_filter_narrows_the_list_and_keeps_the_category() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let all = b.get("/ecf/nysd/civil/file").await;
    all.assert_has(r#"<label for="filter">Filter events"#)
        .assert_has(r#"<option value="Answer to Complaint""#)
        .assert_has(r#"<option value="Motion to Dismiss""#);
    // Any case; only names that contain the text.
    let motions = b.get("/ecf/nysd/civil/file?filter=DISMISS").await;
    assert_eq!(motions.status, StatusCode::OK);
    motions
        .assert_has(r#"<option value="Motion to Dismiss""#)
        .assert_lacks(r#"<option value="Answer to Complaint""#)
        .assert_lacks(r#"<option value="Motion for Extension of Time""#)
        .assert_has(r#"value="DISMISS""#);
    // A category from the filing menu narrows it too, and the filter form keeps it.
    let category = b
        .get("/ecf/nysd/civil/file?category=Motions+and+Related+Filings&filter=motion")
        .await;
    category
        .assert_has(r#"<input type="hidden" name="category" value="Motions and Related Filings">"#)
        .assert_has(r#"<option value="Motion for Extension of Time""#)
        .assert_lacks(r#"<option value="Response in Opposition to Motion""#);
    let nothing = b.get("/ecf/nysd/civil/file?filter=xyzzy").await;
    nothing.assert_has("No event matches “xyzzy”.").assert_lacks("<option");
    // The bankruptcy form filters its own events.
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    b.confirm("gamb", &verify, "submit").await;
    b.get("/ecf/gamb/bankruptcy/file?filter=claim")
        .await
        .assert_has(r#"<option value="Objection to Claim""#)
        .assert_lacks(r#"<option value="Motion for Relief from Stay""#);
}

#[tokio::test]
async fn an_event_the_court_adds_is_offered_under_its_category_and_filed() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let case = opened_case(&app, &b).await;
    b.get("/ecf/nysd/civil")
        .await
        .assert_lacks("Motion to Compel")
        .assert_has("Discovery Documents")
        .assert_lacks("civil/file?category=Discovery+Documents");
    let compel = openecf_domain::Event {
        category: "Discovery Documents".into(),
        name: "Motion to Compel".into(),
        docket_text: "MOTION to Compel Discovery".into(),
        appearance: false,
    };
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    openecf_app::filing::catalogue::add_event(&app.app, &nysd, openecf_domain::EventMenu::Civil, &compel, "ops")
        .await
        .unwrap()
        .unwrap();
    // The menu's category now links to its events; the form offers it.
    b.get("/ecf/nysd/civil")
        .await
        .assert_has(r#"<a href="/ecf/nysd/civil/file?category=Discovery+Documents">Discovery Documents</a>"#);
    let form = b.get("/ecf/nysd/civil/file?category=Discovery+Documents").await;
    form.assert_has(r#"<option value="Motion to Compel""#)
        .assert_lacks(r#"<option value="Motion to Dismiss""#);
    // The criminal menu of the same court does not offer it.
    b.get("/ecf/nysd/criminal/file")
        .await
        .assert_lacks(r#"<option value="Motion to Compel""#);
    let filed = file_reviewed(
        &b,
        "/ecf/nysd/civil/file",
        Form::new()
            .text("csrf", form.hidden("csrf"))
            .text("event", "Motion to Compel")
            .text("case_number", case)
            .text("party", "Jordan Filer")
            .part("main", file_part("compel.pdf", pdf(1, "Compel", Extra::Nothing))),
    )
    .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    filed.assert_has("MOTION to Compel Discovery filed by Jordan Filer.");
}

#[tokio::test]
async fn event_prompts_prefix_the_text_and_refer_to_an_entry_that_the_docket_links() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let case_number = opened_case(&app, &b).await;
    let csrf = b.get("/ecf/nysd/civil/file").await.hidden("csrf");
    let filing = |event: &str, fields: &[(&str, &str)]| {
        let mut f = Form::new()
            .text("csrf", csrf.clone())
            .text("case_number", case_number.clone())
            .text("event", event.to_owned())
            .text("party", "Jordan Filer")
            .part("main", file_part("doc.pdf", pdf(1, event, Extra::Nothing)));
        for (k, v) in fields {
            f = f.text(k.to_string(), v.to_string());
        }
        f
    };
    let motion = filing(
        "Motion for Extension of Time",
        &[
            ("amended", "on"),
            ("joint", "on"),
            ("docket_text", "to Serve the Summons"),
        ],
    );
    file_reviewed(&b, "/ecf/nysd/civil/file", motion)
        .await
        .assert_has("Filed: document number 2")
        .assert_has("AMENDED JOINT MOTION for Extension of Time to Serve the Summons filed by Jordan Filer.");
    let amended = filing("Memorandum of Law", &[("amended", "on")]);
    file_reviewed(&b, "/ecf/nysd/civil/file", amended)
        .await
        .assert_has("AMENDED MEMORANDUM OF LAW filed by Jordan Filer.");
    // A number not on this case's docket, or not a number: refused, nothing filed.
    for (bad, message) in [
        ("99", "Refers to document 99: there is no such entry in this case."),
        (
            "two",
            "Refers to document “two”: type the number of an entry on the docket of this case, like 2.",
        ),
    ] {
        let refused = post_multipart(
            &b,
            "/ecf/nysd/civil/file",
            filing("Response in Opposition to Motion", &[("refers_to", bad)]),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        refused.assert_has(message).assert_has(&format!(r#"value="{bad}""#));
    }
    let response = filing("Response in Opposition to Motion", &[("refers_to", "2")]);
    let filed = file_reviewed(&b, "/ecf/nysd/civil/file", response).await;
    filed.assert_has("Filed: document number 4").assert_has(
        "RESPONSE in Opposition re 2 AMENDED JOINT MOTION for Extension of Time to Serve the... filed by Jordan Filer.",
    );
    // On the docket, "re 2" links to entry 2's document; the refusals took no number.
    let year = app.now().format("%y").to_string();
    let docket = b.get(&filed.link(&format!("1:{year}-cv-00001"))).await;
    let entry_2 = docket.link("2");
    let at = docket.body.find("re <a href=\"").expect("the re link") + "re <a href=\"".len();
    let end = docket.body[at..].find('"').unwrap();
    assert_eq!(docket.body[at..at + end].replace("&#x2f;", "/"), entry_2);
    assert!(docket.body[at + end..].starts_with("\">2</a> AMENDED JOINT MOTION"));
    docket.assert_lacks(">5</a>");
}

#[tokio::test]
async fn the_review_page_shows_the_final_text_and_files_only_on_submit() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let case_number = opened_case(&app, &b).await;
    let csrf = b.get("/ecf/nysd/civil/file").await.hidden("csrf");
    let motion = || {
        Form::new()
            .text("csrf", csrf.clone())
            .text("case_number", case_number.clone())
            .text("event", "Motion to Dismiss")
            .text("party", "Jordan Filer")
            .text("joint", "on")
            .text("docket_text", "for Lack of Jurisdiction")
            .part(
                "main",
                file_part("motion-to-dismiss.pdf", pdf(3, "Motion", Extra::Nothing)),
            )
            .part(
                "attachment",
                file_part("exhibit-a.pdf", pdf(1, "Exhibit", Extra::Nothing)),
            )
            .text("attachment_description", "Exhibit A")
    };
    let path = "/ecf/nysd/civil/file";
    let submit = format!("{path}/submit");
    let year = app.now().format("%y").to_string();
    let review = post_multipart(&b, path, motion()).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    review
        .assert_has("<h1>Docket Text: Final Text</h1>")
        .assert_has("JOINT MOTION to Dismiss for Lack of Jurisdiction filed by Jordan Filer.")
        .assert_has("motion-to-dismiss.pdf")
        .assert_has("exhibit-a.pdf")
        .assert_has(r#"<button type="submit" name="action" value="submit">Submit</button>"#)
        .assert_has(r#"<button type="submit" name="action" value="cancel">Cancel</button>"#)
        .assert_lacks("Filed: document number");
    // Nothing is on the docket, and no one noticed, before Submit.
    let docket_path = format!("/ecf/nysd/case/{}", 1);
    let docket = b.get(&docket_path).await;
    docket.assert_lacks("JOINT MOTION");
    let notices = || async {
        app.mail_to("jfiler2026@example.com")
            .await
            .iter()
            .filter(|m| m.subject.contains("Motion to Dismiss"))
            .count()
    };
    assert_eq!(notices().await, 0);
    // Cancel drops it; its token files nothing afterwards.
    let cancelled = b.submit(&review, &submit, &[("action", "cancel")]).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    cancelled.assert_has("The filing was cancelled: nothing was filed, and no one was noticed.");
    let late = b.submit(&review, &submit, &[("action", "submit")]).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    late.assert_has("This filing is no longer waiting for your Submit");
    b.get(&docket_path).await.assert_lacks("JOINT MOTION");
    // Another session (even the same filer's) cannot submit this session's filing.
    let review = post_multipart(&b, path, motion()).await;
    let other = app.browser();
    other.login("jfiler2026", PACER_PW).await;
    let other_form = other.get("/ecf/nysd/civil").await;
    let token = review.hidden("token");
    let stolen = other
        .submit(&other_form, &submit, &[("token", token.as_str()), ("action", "submit")])
        .await;
    assert_eq!(stolen.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stolen.body);
    stolen.assert_has("This filing is no longer waiting for your Submit");
    // Submit files it, once: a second Submit is refused.
    let filed = b.submit(&review, &submit, &[("action", "submit")]).await;
    filed
        .assert_has("Filed: document number 2")
        .assert_has("JOINT MOTION to Dismiss for Lack of Jurisdiction filed by Jordan Filer.");
    let again = b.submit(&review, &submit, &[("action", "submit")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(notices().await, 1);
    // A filing waits 30 minutes for Submit, no longer (the session, in use, lives on).
    let review = post_multipart(&b, path, motion()).await;
    app.advance(std::time::Duration::from_secs(20 * 60));
    b.get("/ecf/nysd/civil").await.assert_has("Civil Events");
    app.advance(std::time::Duration::from_secs(11 * 60));
    let expired = b.submit(&review, &submit, &[("action", "submit")]).await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    expired.assert_has("more than 30 minutes passed");
    let docket = b.get(&filed.link(&format!("1:{year}-cv-00001"))).await;
    docket.assert_has("JOINT MOTION").assert_lacks(">3</a>");
}

#[tokio::test]
async fn a_filing_form_must_begin_with_its_token_and_keep_its_text_short() {
    let app = TestApp::spawn().await;
    let b = linked_filer(&app).await;
    let csrf = b.get("/ecf/nysd/civil/open").await.hidden("csrf");
    let fields = |first_file: bool, cause: String| {
        let form = Form::new();
        let form = if first_file {
            form.part("main", file_part("complaint.pdf", pdf(1, "C", Extra::Nothing)))
                .text("csrf", csrf.clone())
        } else {
            form.text("csrf", csrf.clone())
                .part("main", file_part("complaint.pdf", pdf(1, "C", Extra::Nothing)))
        };
        form.text("plaintiffs", "Jordan Filer")
            .text("defendants", "Acme")
            .text("nature_of_suit", "190 Contract: Other")
            .text("cause", cause)
            .text("jurisdiction", "Diversity")
            .text("jury_demand", "None")
    };
    // A file before the token: the form is refused unread.
    let late_token = post_multipart(&b, "/ecf/nysd/civil/open", fields(true, "Breach".into())).await;
    assert_eq!(late_token.status, StatusCode::FORBIDDEN, "{}", late_token.body);
    // A text field past 64 KB.
    let long = post_multipart(&b, "/ecf/nysd/civil/open", fields(false, "x".repeat(70 * 1024))).await;
    assert_eq!(long.status, StatusCode::PAYLOAD_TOO_LARGE);
    long.assert_has("too long");
    let year = app.now().format("%y").to_string();
    let nysd = openecf_domain::CourtId::parse("nysd").unwrap();
    let query = openecf_domain::CaseQuery::parse(&format!("{year}-1")).unwrap();
    assert!(app.store.find_cases(&nysd, &query).await.unwrap().is_empty());
    // The same form, in order, files.
    let ok = post_multipart(&b, "/ecf/nysd/civil/open", fields(false, "Breach".into())).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn a_filing_agent_files_in_the_attorneys_name_and_the_notice_says_so() {
    let app = TestApp::spawn().await;
    let attorney = linked_filer(&app).await;
    let case = opened_case(&app, &attorney).await;
    let agents = attorney.get("/ecf/nysd/utilities/filing-agents").await;
    agents
        .assert_has("<h1>Filing Agents</h1>")
        .assert_has("You have no filing agents at this court.");
    attorney
        .get("/ecf/nysd/utilities/maintain-account")
        .await
        .assert_has(r#"<a href="/ecf/nysd/utilities/filing-agents">Filing Agents</a>"#);
    // A shared firm account cannot be an agent; the page says why and keeps what was typed.
    let shared = attorney
        .submit(
            &agents,
            "/ecf/nysd/utilities/filing-agents",
            &[("action", "add"), ("username", "smithjonesfirm")],
        )
        .await;
    assert_eq!(shared.status, StatusCode::UNPROCESSABLE_ENTITY);
    shared
        .assert_has("smithjonesfirm is a shared firm account: each filing agent uses an individual PACER account.")
        .assert_has(r#"value="smithjonesfirm""#);
    // Before being named, the agent has no filing menus here.
    let agent = app.browser();
    agent.login("jfiler2027", PACER_PW).await;
    assert_eq!(agent.get("/ecf/nysd/civil/file").await.status, StatusCode::FORBIDDEN);
    let added = attorney
        .submit(
            &agents,
            "/ecf/nysd/utilities/filing-agents",
            &[("action", "add"), ("username", "jfiler2027")],
        )
        .await;
    added
        .assert_has("The filing agent was named.")
        .assert_has("jfiler2027 (named; not accepted yet)")
        .assert_lacks("Jamie Filer");
    // Until the agent accepts, nothing is open to them; then the filing menus.
    assert_eq!(agent.get("/ecf/nysd/civil/file").await.status, StatusCode::FORBIDDEN);
    let invited = agent.get("/ecf/nysd/utilities/filing-agents").await;
    invited.assert_has("Jordan Filer (jfiler2026) names you their filing agent.");
    agent
        .submit(
            &invited,
            "/ecf/nysd/utilities/filing-agents",
            &[("action", "accept"), ("username", "jfiler2026")],
        )
        .await
        .assert_has("You accepted");
    attorney
        .get("/ecf/nysd/utilities/filing-agents")
        .await
        .assert_has("Jamie Filer (jfiler2027)");
    // The agent files into existing cases, for the attorney only; opening a case is the attorney's.
    let notice = agent.get("/ecf/nysd/civil/file").await;
    let acknowledged = agent
        .submit(
            &notice,
            "/ecf/nysd/redaction",
            &[("understand", "yes"), ("next", "/ecf/nysd/civil/file")],
        )
        .await;
    acknowledged
        .assert_has(r#"<label for="attorney">Filing for</label>"#)
        .assert_has(r#"<option value="jfiler2026">Jordan Filer (jfiler2026), as filing agent</option>"#)
        .assert_lacks(r#"<option value="">Myself</option>"#);
    let open = agent.get("/ecf/nysd/civil/open").await;
    assert_eq!(open.status, StatusCode::FORBIDDEN);
    open.assert_has("opening a case is the attorney");
    let form = |attorney_field: &str| {
        Form::new()
            .text("csrf", acknowledged.hidden("csrf"))
            .text("attorney", attorney_field.to_owned())
            .text("event", "Motion for Extension of Time")
            .text("case_number", case.clone())
            .text("party", "Jordan Filer")
            .part("main", file_part("ext.pdf", pdf(1, "Extension", Extra::Nothing)))
    };
    let unchosen = post_multipart(&agent, "/ecf/nysd/civil/file", form("")).await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    unchosen.assert_has("Filing for: choose the attorney you file for.");
    let forged = post_multipart(&agent, "/ecf/nysd/civil/file", form("mlinked2026")).await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    forged.assert_has("you are not a filing agent of that attorney at this court");
    let review = post_multipart(&agent, "/ecf/nysd/civil/file", form("jfiler2026")).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    review.assert_has("jfiler2026, as filing agent");
    let receipt = agent
        .submit(
            &review,
            "/ecf/nysd/civil/file/submit",
            &[("action", "submit"), ("attorney", "jfiler2026")],
        )
        .await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    receipt.assert_has("entered by Jamie Filer on behalf of Jordan Filer");
    let nefs = app.mail_to("jfiler2026@example.com").await;
    let nef = nefs
        .iter()
        .find(|m| m.subject.contains("Motion for Extension of Time"))
        .expect("the attorney's notice");
    assert!(
        nef.body
            .contains("entered by Jamie Filer on behalf of Jordan Filer on "),
        "{}",
        nef.body
    );
    // Removed, the agent files no more.
    let page = attorney.get("/ecf/nysd/utilities/filing-agents").await;
    attorney
        .submit(
            &page,
            "/ecf/nysd/utilities/filing-agents",
            &[("action", "remove"), ("username", "jfiler2027")],
        )
        .await
        .assert_has("The filing agent was removed.");
    assert_eq!(agent.get("/ecf/nysd/civil/file").await.status, StatusCode::FORBIDDEN);
    // An agent names no agents: their page is their invitations.
    agent
        .get("/ecf/nysd/utilities/filing-agents")
        .await
        .assert_has("No attorney is waiting for you to accept")
        .assert_lacks("Add a filing agent");
}
