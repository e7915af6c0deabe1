//! `/courts` (the NextGen status of every court, filtered with a plain GET
//! form) and the go-live calendar (`/courts.ics`, `/courts/{court}.ics`).

use crate::helpers::*;
use openecf_domain::*;
use openecf_store::*;
use reqwest::StatusCode;

/// The fixture's four courts, plus an appellate and a special court and a
/// district court not live, all in New York.
async fn more_courts(app: &TestApp) {
    let court = |id: &str, kind, name: &str| NewCourt {
        id: CourtId::parse(id).unwrap(),
        kind,
        name: name.to_owned(),
        location: "New York".into(),
        doc_id_prefix: String::new(),
        release: Release::V1_0,
    };
    app.store
        .add_courts(&[
            court(
                "ca2",
                CourtKind::Appellate,
                "United States Court of Appeals for the Second Circuit",
            ),
            court("cit", CourtKind::Special, "United States Court of International Trade"),
            court(
                "nyed",
                CourtKind::District,
                "United States District Court, E.D. New York",
            ),
        ])
        .await
        .unwrap();
}

fn rows(p: &Page) -> Vec<String> {
    p.body
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|r| r[..r.find("</tr>").unwrap()].to_owned())
        .collect()
}

fn ids(p: &Page) -> Vec<String> {
    let mut ids: Vec<String> = rows(p)
        .iter()
        .map(|r| {
            let cell = r.split("<td>").nth(1).unwrap();
            cell[..cell.find("</td>").unwrap()].to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_courts_page_shows_every_court_and_filters_by_kind_state_and_status() {
    let app = TestApp::spawn().await;
    more_courts(&app).await;
    let b = app.browser();
    let all = b.get("/courts").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(ids(&all), ["ca2", "cand", "cit", "gamb", "nyed", "nysb", "nysd"]);
    all.assert_has("2 of 7 courts are live on NextGen CM/ECF.")
        .assert_has("<label for=\"kind\">Kind of court</label>")
        .assert_has("<label for=\"state\">State</label>")
        .assert_has("<label for=\"status\">NextGen status</label>")
        .assert_has("<th scope=\"col\">NextGen CM/ECF</th>")
        .assert_has("<form method=\"get\" action=\"/courts\"")
        .assert_lacks("<script");
    let line = |p: &Page, id: &str| {
        rows(p)
            .into_iter()
            .find(|r| r.contains(&format!("<td>{id}</td>")))
            .unwrap_or_else(|| panic!("no {id} in {}", p.body))
    };
    assert!(
        line(&all, "gamb").contains("Live on NextGen CM/ECF since"),
        "{}",
        line(&all, "gamb")
    );
    let planned = planned_day().format("%A, %B %-d, %Y").to_string();
    let cand = line(&all, "cand");
    assert!(
        cand.contains(&format!(
            "Not live on NextGen CM/ECF yet: goes live on {planned}, at 12:00 a.m."
        )),
        "{cand}"
    );
    assert!(cand.contains("href=\"/courts/cand.ics\""), "{cand}");
    assert!(line(&all, "nysb").contains("no go-live date set"));
    // Appellate and special courts are shown as such, not as courts "not live yet".
    let ca2 = line(&all, "ca2");
    assert!(
        ca2.contains("<td>Appellate</td>")
            && ca2.contains("Not applicable: appellate courts are not part of NextGen CM/ECF account linking here"),
        "{ca2}"
    );
    assert!(!ca2.contains("Not live"), "{ca2}");
    assert!(line(&all, "cit").contains("<td>Special</td>"));

    let appellate = b.get("/courts?kind=appellate").await;
    assert_eq!(ids(&appellate), ["ca2"]);
    appellate
        .assert_has("<option value=\"appellate\" selected>Appellate</option>")
        .assert_has("<a href=\"/courts\">Show all courts</a>");
    assert_eq!(ids(&b.get("/courts?state=New+York").await), ["ca2", "cit", "nyed"]);
    assert_eq!(ids(&b.get("/courts?status=live").await), ["gamb", "nysd"]);
    assert_eq!(ids(&b.get("/courts?status=planned").await), ["cand"]);
    assert_eq!(ids(&b.get("/courts?status=not-live").await), ["nyed", "nysb"]);
    assert_eq!(ids(&b.get("/courts?status=not-applicable").await), ["ca2", "cit"]);
    let combined = b.get("/courts?kind=district&state=New+York&status=not-live").await;
    assert_eq!(ids(&combined), ["nyed"]);
    combined.assert_has("<option value=\"New York\" selected>New York</option>");
    b.get("/courts?kind=special&status=live")
        .await
        .assert_has("No court matches these filters.");
    for bad in ["/courts?kind=supreme", "/courts?status=soon", "/courts?state=Atlantis"] {
        let p = b.get(bad).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(rows(&p).is_empty(), "{bad}");
    }
    b.get("/courts?state=Atlantis")
        .await
        .assert_has("There is no court in “Atlantis”.");
    // The portal links here.
    b.get("/")
        .await
        .assert_has("href=\"/courts\"")
        .assert_has("href=\"/courts.ics\"");
}

/// Unfolds an iCalendar body (RFC 5545 3.1).
fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

async fn ics(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let res = app
        .cookieless()
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, res.text().await.unwrap())
}

fn events(body: &str) -> Vec<String> {
    unfold(body)
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|e| e[..e.find("END:VEVENT").unwrap()].to_owned())
        .collect()
}

fn field<'a>(event: &'a str, name: &str) -> &'a str {
    let start = event.find(&format!("\r\n{name}")).map(|i| i + 2).unwrap_or_else(|| {
        assert!(event.starts_with(name), "no {name} in {event}");
        0
    });
    let line = &event[start..];
    &line[name.len()..line.find("\r\n").unwrap()]
}

#[tokio::test]
async fn the_go_live_calendar_is_rfc_5545_with_stable_uids() {
    let app = TestApp::spawn().await;
    more_courts(&app).await;
    let nyed = CourtId::parse("nyed").unwrap();
    let first_day = planned_day() + chrono::Days::new(10);
    openecf_app::courts::schedule_go_live(&app.app, &nyed, GoLive::On(first_day))
        .await
        .unwrap();

    let (status, kind, body) = ics(&app, "/courts.ics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/calendar; charset=utf-8");
    assert!(
        body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openecf//"),
        "{body}"
    );
    assert!(body.ends_with("END:VCALENDAR\r\n"), "{body}");
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "a line over 75 octets: {line:?}");
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
    }
    let all = events(&body);
    // Live and planned courts only: gamb, nysd (live), cand, nyed (planned).
    assert_eq!(all.len(), 4, "{body}");
    let host = app.base.trim_start_matches("http://");
    let event = |id: &str, evs: &[String]| {
        evs.iter()
            .find(|e| e.starts_with(&format!("UID:nextgen-go-live-{id}@{host}\r\n")))
            .unwrap_or_else(|| panic!("no event of {id} in {evs:?}"))
            .clone()
    };
    let e = event("nyed", &all);
    assert_eq!(field(&e, "DTSTART;VALUE=DATE:"), first_day.format("%Y%m%d").to_string());
    assert_eq!(
        field(&e, "SUMMARY:"),
        "United States District Court\\, E.D. New York goes live on NextGen CM/ECF"
    );
    assert_eq!(field(&e, "URL;VALUE=URI:"), format!("{}/ecf/nyed/", app.base));
    assert_eq!(field(&e, "SEQUENCE:"), "0");
    assert_eq!(field(&e, "DTSTAMP:").len(), "20261126T111941Z".len());
    assert!(field(&e, "DESCRIPTION:").contains("12:00 a.m. E"), "{e}");
    let live = event("gamb", &all);
    assert!(
        field(&live, "SUMMARY:").ends_with("went live on NextGen CM/ECF"),
        "{live}"
    );
    assert_eq!(
        field(&live, "DTSTART;VALUE=DATE:"),
        CourtZone::default().today(app.now()).format("%Y%m%d").to_string()
    );

    // A moved date keeps the event's UID, with a higher SEQUENCE.
    let moved = first_day + chrono::Days::new(14);
    openecf_app::courts::schedule_go_live(&app.app, &nyed, GoLive::On(moved))
        .await
        .unwrap();
    let (_, _, again) = ics(&app, "/courts/nyed.ics").await;
    let one = events(&again);
    assert_eq!(one.len(), 1, "{again}");
    assert_eq!(
        field(&one[0], "DTSTART;VALUE=DATE:"),
        moved.format("%Y%m%d").to_string()
    );
    assert_eq!(field(&one[0], "SEQUENCE:"), "1");
    assert_eq!(field(&one[0], "UID:"), format!("nextgen-go-live-nyed@{host}"));
    assert!(
        unfold(&again).contains("\r\nNAME:United States District Court\\, E.D. New York: NextGen CM/ECF go-live\r\n")
    );

    // No event, no calendar: a court with no date, an appellate court, an unknown one.
    for path in [
        "/courts/nysb.ics",
        "/courts/ca2.ics",
        "/courts/zzzz.ics",
        "/courts/nyed.txt",
        "/courts/nyed",
    ] {
        let (status, _, _) = ics(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
