//! Public access reads: a court's cases by a party's name, the docket report
//! by document-number and filing-date ranges, the last filing, the new entries.

use std::time::Duration;

use super::{
    add_court, add_ecf, add_pacer, app, civil_case, court_id, district_with_filers, go_live, link, now, upload,
};
use openecf_app::filing::{self, NewFiling};
use openecf_app::App;
use openecf_domain::*;
use openecf_store::*;

contract!(
    the_public_record_is_found_by_party_name_and_read_by_range,
    court_staff_seal_entries_restrict_documents_and_record_case_details,
    hearings_are_scheduled_listed_by_time_and_cancelled,
    opinion_events_make_the_written_opinions_report,
    proofs_of_claim_are_numbered_per_case_and_kept_off_the_docket,
);

/// Public access reads: a court's cases by a party's name, the docket report
/// by document-number and filing-date ranges, the last filing, the new entries.
async fn the_public_record_is_found_by_party_name_and_read_by_range(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let opened_at = app.clock.now();
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let year = now().format("%y").to_string();
    app.clock.advance(Duration::from_secs(2 * 24 * 3600));
    let answered_at = app.clock.now();
    let answer = NewFiling {
        case_number: format!("{year}-1"),
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![("Exhibit A".into(), upload("exhibit.pdf", 1))],
    };
    filing::file_document(app, &court, &defense_atty, &answer)
        .await
        .unwrap()
        .unwrap();
    // By a party's name, in any case; LIKE's own characters are only characters.
    for typed in ["roe", "RICHARD", " Richard Roe "] {
        let found = app.store.cases_by_party_name(&court.id, typed, 10).await.unwrap();
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(found[0].case.id, case.id);
        assert_eq!(
            (found[0].party.as_str(), found[0].role),
            ("Richard Roe", PartyRole::Defendant)
        );
    }
    for typed in ["%", "R_chard", "Nobody"] {
        assert!(
            app.store
                .cases_by_party_name(&court.id, typed, 10)
                .await
                .unwrap()
                .is_empty(),
            "{typed}"
        );
    }
    assert!(app
        .store
        .cases_by_party_name(&court_id("gamb"), "roe", 10)
        .await
        .unwrap()
        .is_empty());
    // The whole docket, then by number and by filing date.
    let all = app
        .store
        .docket_report(case.id, &DocketFilter::default())
        .await
        .unwrap();
    assert_eq!(all.iter().map(|e| e.number).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(
        all[1].documents.iter().map(|d| d.attachment).collect::<Vec<_>>(),
        vec![0, 1]
    );
    let second = DocketFilter {
        first_number: Some(2),
        last_number: Some(2),
        ..DocketFilter::default()
    };
    let got = app.store.docket_report(case.id, &second).await.unwrap();
    assert_eq!(got.iter().map(|e| e.number).collect::<Vec<_>>(), vec![2]);
    assert_eq!(got[0].documents.len(), 2);
    let first_day = DocketFilter {
        filed_from: Some(opened_at),
        filed_before: Some(opened_at + chrono::Duration::days(1)),
        ..DocketFilter::default()
    };
    let got = app.store.docket_report(case.id, &first_day).await.unwrap();
    assert_eq!(got.iter().map(|e| e.number).collect::<Vec<_>>(), vec![1]);
    assert_eq!(app.store.last_filing(case.id).await.unwrap(), Some(answered_at));
    // The court's time zone and document-number prefix, as its pages print them.
    assert_eq!(
        app.store.court_time_zone(&court.id).await.unwrap(),
        CourtZone::default()
    );
    assert_eq!(app.store.doc_id_prefix(&court.id).await.unwrap(), "000");
    let docs = app.store.entry_documents(all[1].id).await.unwrap();
    assert_eq!(
        docs.iter().map(|d| d.original_filename.as_str()).collect::<Vec<_>>(),
        vec!["answer.pdf", "exhibit.pdf"]
    );
    assert_eq!(
        app.store.entry_number(all[1].id).await.unwrap(),
        Some((2, Some(docs[0].id)))
    );
    // The court's new entries: newest first, since a time.
    let new = app.store.new_entries(&court.id, opened_at, 10).await.unwrap();
    assert_eq!(
        new.iter().map(|e| (e.number, e.event.as_str())).collect::<Vec<_>>(),
        vec![(2, "Answer to Complaint"), (1, "Complaint")]
    );
    assert_eq!(new[0].document_id, Some(docs[0].id));
    assert_eq!(new[0].case.id, case.id);
    let since_answer = app.store.new_entries(&court.id, answered_at, 10).await.unwrap();
    assert_eq!(since_answer.len(), 1);
    assert!(app.store.new_entries(&court.id, opened_at, 1).await.unwrap().len() == 1);
}

/// Sealed entries leave the public's reads (docket report, last filing, new
/// entries, Search) unless staff ask for them; a restricted document keeps
/// its entry; case details are checked and read back; each change audited.
async fn court_staff_seal_entries_restrict_documents_and_record_case_details(app: &App) {
    use openecf_app::record::{self, DetailChanges};
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let number = case.number.to_string();
    let opened_at = app.clock.now();
    app.clock.advance(Duration::from_secs(3600));
    let answer = NewFiling {
        case_number: number.clone(),
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![("Exhibit A".into(), upload("exhibit.pdf", 1))],
    };
    filing::file_document(app, &court, &defense_atty, &answer)
        .await
        .unwrap()
        .unwrap();
    // Refusals change nothing.
    for (entry, why, refusal) in [
        (2, " ", RecordRefusal::NoReason),
        (
            9,
            "order",
            RecordRefusal::NoSuchEntry {
                case: number.clone(),
                number: 9,
            },
        ),
    ] {
        assert_eq!(
            record::seal_entry(app, &court.id, &number, entry, true, why, "clerk")
                .await
                .unwrap()
                .unwrap_err(),
            refusal
        );
    }
    assert!(matches!(
        record::seal_entry(app, &court.id, "26-99", 1, true, "order", "clerk")
            .await
            .unwrap(),
        Err(RecordRefusal::NoSuchCase(_))
    ));
    record::seal_entry(app, &court.id, &number, 2, true, "sealed by order", "clerk")
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        record::seal_entry(app, &court.id, &number, 2, true, "again", "clerk")
            .await
            .unwrap(),
        Err(RecordRefusal::Unchanged { state: "sealed", .. })
    ));
    let public = app
        .store
        .docket_report(case.id, &DocketFilter::default())
        .await
        .unwrap();
    assert_eq!(public.iter().map(|e| e.number).collect::<Vec<_>>(), vec![1]);
    let staff = DocketFilter {
        include_sealed: true,
        ..DocketFilter::default()
    };
    let all = app.store.docket_report(case.id, &staff).await.unwrap();
    assert_eq!(
        all.iter().map(|e| (e.number, e.sealed)).collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
    assert_eq!(all[1].documents.len(), 2, "a sealed entry's attachments, for staff");
    assert!(app.store.entry_sealed(all[1].id).await.unwrap());
    assert_eq!(app.store.last_filing(case.id).await.unwrap(), Some(opened_at));
    let feed = app.store.new_entries(&court.id, opened_at, 10).await.unwrap();
    assert_eq!(feed.iter().map(|e| e.number).collect::<Vec<_>>(), vec![1]);
    assert!(app
        .store
        .search_entries(&court.id, "Answer", None, None, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(app.store.docket(case.id).await.unwrap()[1].sealed);

    // A restricted attachment: the entry stays, the document is marked.
    record::seal_entry(app, &court.id, &number, 2, false, "order vacated", "clerk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        record::restrict_document(app, &court.id, &number, 2, 5, true, "address", "clerk")
            .await
            .unwrap()
            .unwrap_err(),
        RecordRefusal::NoSuchDocument {
            case: number.clone(),
            number: 2,
            attachment: 5
        }
    );
    record::restrict_document(app, &court.id, &number, 2, 1, true, "holds an address", "clerk")
        .await
        .unwrap()
        .unwrap();
    let report = app
        .store
        .docket_report(case.id, &DocketFilter::default())
        .await
        .unwrap();
    assert_eq!(
        report[1]
            .documents
            .iter()
            .map(|d| (d.attachment, d.restricted))
            .collect::<Vec<_>>(),
        vec![(0, false), (1, true)]
    );
    let docs = app.store.entry_documents(report[1].id).await.unwrap();
    assert!(!docs[0].is_restricted() && docs[1].is_restricted());
    assert_eq!(app.store.docket(case.id).await.unwrap()[1].documents[1].restricted, 1);

    // Case details: checked against the filing day and today, then read back.
    let today = CourtZone::default().today(app.clock.now());
    let before = today - chrono::Days::new(400);
    let refused = record::set_details(
        app,
        &court.id,
        &number,
        &DetailChanges {
            date_terminated: Some(Some(before)),
            ..DetailChanges::default()
        },
        "closed",
        "clerk",
    )
    .await
    .unwrap();
    assert!(matches!(
        refused,
        Err(RecordRefusal::Details(DetailsRefusal::BeforeFiling { .. }))
    ));
    let converted = record::set_details(
        app,
        &court.id,
        &number,
        &DetailChanges {
            date_converted: Some(Some(today)),
            ..DetailChanges::default()
        },
        "x",
        "clerk",
    )
    .await
    .unwrap();
    assert_eq!(
        converted.unwrap_err(),
        RecordRefusal::Details(DetailsRefusal::BankruptcyOnly("Date Converted"))
    );
    record::set_details(
        app,
        &court.id,
        &number,
        &DetailChanges {
            referred_to: Some("Sarah Netburn".into()),
            date_terminated: Some(Some(today)),
            ..DetailChanges::default()
        },
        "judgment entered",
        "clerk",
    )
    .await
    .unwrap()
    .unwrap();
    let read = app.store.case(&court.id, case.id).await.unwrap().unwrap();
    assert_eq!(
        read.details,
        CaseDetails {
            referred_to: "Sarah Netburn".into(),
            date_terminated: Some(today),
            ..CaseDetails::default()
        }
    );
    // Cleared one at a time; the rest stays.
    record::set_details(
        app,
        &court.id,
        &number,
        &DetailChanges {
            date_terminated: Some(None),
            ..DetailChanges::default()
        },
        "reopened",
        "clerk",
    )
    .await
    .unwrap()
    .unwrap();
    let read = app.store.case(&court.id, case.id).await.unwrap().unwrap();
    assert_eq!(read.details.date_terminated, None);
    assert_eq!(read.details.referred_to, "Sarah Netburn");
    // Each change is in the audit trail with who made it and why.
    let events = openecf_app::audit::list(
        app,
        &AuditFilter {
            court: Some(court.id.to_string()),
            limit: 50,
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    let details: Vec<&str> = events
        .iter()
        .filter(|e| e.event.action == "case.seal" || e.event.action == "case.details")
        .map(|e| e.event.detail.as_str())
        .collect();
    assert_eq!(details.len(), 5, "{details:?}");
    assert!(details
        .iter()
        .any(|d| d.starts_with("sealed entry 2 of") && d.ends_with("by clerk: sealed by order")));
    assert!(details.iter().any(|d| d.contains("restricted document 2-1")));
}

/// The Calendar Events report's rows: hearings by their start, cancelled ones left out.
async fn hearings_are_scheduled_listed_by_time_and_cancelled(app: &App) {
    use openecf_app::record::{self, NewHearing};
    let (court, plaintiff_atty, _) = district_with_filers(app).await;
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let zone = CourtZone::default();
    let tomorrow = zone.today(app.clock.now()) + chrono::Days::new(1);
    let at = |hm: &str| openecf_domain::record::parse_hearing_time(&format!("{tomorrow} {hm}")).unwrap();
    let mut ids = Vec::new();
    for (hm, what) in [("14:00", "Status Conference"), ("09:30", "Motion Hearing")] {
        let (_, id) = record::schedule_hearing(
            app,
            &court.id,
            &case.number.to_string(),
            &NewHearing {
                at: at(hm),
                description: what.into(),
                location: "Courtroom 5A".into(),
            },
            "clerk",
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(id);
    }
    let day_start = zone.start_of(tomorrow);
    let day_end = zone.start_of(tomorrow + chrono::Days::new(1));
    let list = app.store.hearings(&court.id, day_start, day_end, 10).await.unwrap();
    assert_eq!(
        list.iter().map(|h| h.description.as_str()).collect::<Vec<_>>(),
        vec!["Motion Hearing", "Status Conference"]
    );
    assert_eq!(list[0].case.id, case.id);
    assert_eq!(zone.local(list[0].starts_at), at("09:30"));
    assert!(app
        .store
        .hearings(&court_id("gamb"), day_start, day_end, 10)
        .await
        .unwrap()
        .is_empty());
    record::cancel_hearing(app, &court.id, ids[0], "adjourned", "clerk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        record::cancel_hearing(app, &court.id, ids[0], "again", "clerk")
            .await
            .unwrap()
            .unwrap_err(),
        RecordRefusal::Hearing(HearingRefusal::NoSuchHearing(ids[0]))
    );
    let list = app.store.hearings(&court.id, day_start, day_end, 10).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].description, "Motion Hearing");
}

/// Written opinions: entries of the court's opinion events, not sealed, in the range.
async fn opinion_events_make_the_written_opinions_report(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let from = app.clock.now();
    assert!(matches!(
        filing::catalogue::set_opinion(app, &court.id, "No Such Event", true, "clerk")
            .await
            .unwrap(),
        Err(filing::catalogue::CatalogueRefusal::Invalid(_))
    ));
    assert!(
        filing::catalogue::set_opinion(app, &court.id, "Answer to Complaint", true, "clerk")
            .await
            .unwrap()
            .unwrap()
    );
    assert!(
        !filing::catalogue::set_opinion(app, &court.id, "Answer to Complaint", true, "clerk")
            .await
            .unwrap()
            .unwrap()
    );
    assert_eq!(
        app.store.opinion_events(&court.id).await.unwrap(),
        vec!["Answer to Complaint".to_owned()]
    );
    let answer = NewFiling {
        case_number: case.number.to_string(),
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![],
    };
    filing::file_document(app, &court, &defense_atty, &answer)
        .await
        .unwrap()
        .unwrap();
    let until = app.clock.now() + chrono::Duration::days(1);
    let found = app
        .store
        .written_opinions(&court.id, from, until, false, 10)
        .await
        .unwrap();
    assert_eq!(found.iter().map(|o| o.number).collect::<Vec<_>>(), vec![2]);
    let docket = app.store.docket(case.id).await.unwrap();
    assert!(app.store.entry_is_opinion(docket[1].id).await.unwrap());
    assert!(!app.store.entry_is_opinion(docket[0].id).await.unwrap());
    openecf_app::record::seal_entry(app, &court.id, &case.number.to_string(), 2, true, "order", "clerk")
        .await
        .unwrap()
        .unwrap();
    assert!(app
        .store
        .written_opinions(&court.id, from, until, true, 10)
        .await
        .unwrap()
        .is_empty());
}

/// Proofs of claim: numbered 1, 2 … per bankruptcy case, listed by number,
/// off the docket; refused at a non-bankruptcy case or with bad input.
async fn proofs_of_claim_are_numbered_per_case_and_kept_off_the_docket(app: &App) {
    use openecf_app::filing::claims::{file_claim, NewProofOfClaim};
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    let court = app.store.court(&court_id("gamb")).await.unwrap().unwrap();
    let atty = add_pacer(app, "debtoratty", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "datty").await;
    link(app, &court, &atty, &ecf).await;
    let petition = filing::NewPetition {
        chapter: 7,
        debtors: vec![("Jane Debtor".into(), "123-45-6789".into())],
        petition: upload("petition.pdf", 4),
        attachments: vec![],
    };
    let case = filing::open_bankruptcy_case(app, &court, &atty, &petition)
        .await
        .unwrap()
        .unwrap()
        .case;
    let claim = |creditor: &str, amount: &str| NewProofOfClaim {
        case_number: case.number.to_string(),
        creditor_name: creditor.into(),
        creditor_address: "PO Box 1\nMacon, GA 31201".into(),
        amount: amount.into(),
        claim: upload("claim.pdf", 2),
    };
    let refused = file_claim(app, &court, &atty, &claim("Acme Bank", "-5")).await.unwrap();
    assert!(refused.unwrap_err().to_string().starts_with("Amount claimed"));
    for (creditor, amount, number) in [("Acme Bank", "1234.56", 1), ("Beta Finance", "$50", 2)] {
        let r = file_claim(app, &court, &atty, &claim(creditor, amount))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.claim.claim_number, number);
    }
    let all = app
        .store
        .claims(
            case.id,
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
            chrono::DateTime::<chrono::Utc>::MAX_UTC,
        )
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|c| (c.claim_number, c.creditor_name.as_str(), c.amount_cents))
            .collect::<Vec<_>>(),
        vec![(1, "Acme Bank", 123_456), (2, "Beta Finance", 5_000)]
    );
    assert_eq!(all[0].creditor_address, vec!["PO Box 1", "Macon, GA 31201"]);
    assert_eq!(all[0].filed_by, "debtoratty");
    assert_eq!(all[0].pages, 2);
    assert_eq!(
        app.store.claim(&court.id, all[1].id).await.unwrap(),
        Some(all[1].clone())
    );
    assert_eq!(app.store.claim(&court_id("nysd"), all[1].id).await.unwrap(), None);
    // Off the docket: the petition is its only entry.
    assert_eq!(app.store.docket(case.id).await.unwrap().len(), 1);
    // Before the first claim was filed, none.
    assert!(app
        .store
        .claims(
            case.id,
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
            app.clock.now() - chrono::Duration::seconds(1)
        )
        .await
        .unwrap()
        .is_empty());
}
