//! Public access reads: a court's cases by a party's name, the docket report
//! by document-number and filing-date ranges, the last filing, the new entries.

use std::time::Duration;

use super::{app, civil_case, court_id, district_with_filers, now, upload};
use openecf_app::filing::{self, NewFiling};
use openecf_app::App;
use openecf_domain::*;
use openecf_store::*;

contract!(the_public_record_is_found_by_party_name_and_read_by_range);

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
