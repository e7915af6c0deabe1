//! The emails openecf sends, as plain data. They are written to the outbox in
//! the same transaction as the event that causes them.

use chrono::NaiveDate;

use crate::court::Court;
use crate::names::Email;

/// `Debug` leaves out a body that holds a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub body: String,
    /// The body holds a secret (a single-use link): it is blanked once delivered.
    pub sensitive: bool,
    /// The body is HTML (a Notice of Electronic Filing), not plain text.
    pub html: bool,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("body", if self.sensitive { &"[redacted]" } else { &self.body })
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

/// Sent to the PACER account's email once a CM/ECF account is linked to it.
pub fn link_confirmation(to: &Email, pacer_username: &str, court: &Court, ecf_login: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: format!("CM/ECF account linked at {}", court.name),
        body: format!(
            "You have successfully linked your account.\n\n\
             The CM/ECF account {ecf_login} at {court} ({id}) is now linked to your PACER account {pacer_username}.\n\
             You will now use only your PACER account to access both PACER and CM/ECF for this court.\n\n\
             If you did not do this, contact the court's clerk's office at once.\n",
            court = court.name,
            id = court.id,
        ),
        sensitive: false,
        html: false,
    }
}

/// Sent when an account is locked after repeated failed logins.
pub fn account_locked(to: &Email, username: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: "Your PACER account is temporarily locked".into(),
        body: format!(
            "There have been repeated failed attempts to log in to your PACER account {username}, \
             so it is locked for a while; each further failure locks it longer.\n\n\
             If this was you, wait and try again, or reset your password. If it was not you, \
             your password is still safe: nobody got in. Consider turning on multi-factor authentication.\n"
        ),
        sensitive: false,
        html: false,
    }
}

/// A security notice: sent on every password, email or MFA change.
pub fn security_notice(to: &Email, username: &str, what: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: format!("PACER account change: {what}"),
        body: format!(
            "This is a notice that the following change was made to your PACER account {username}: {what}.\n\n\
             If you made this change, you need do nothing. If you did not, reset your password at once \
             and contact the PACER Service Center.\n"
        ),
        sensitive: false,
        html: false,
    }
}

/// Carries a single-use password reset link, good for 30 minutes.
pub fn password_reset(to: &Email, username: &str, link: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: "Reset your PACER password".into(),
        body: format!(
            "Someone asked to reset the password of the PACER account {username}.\n\n\
             To choose a new password, open this link within 30 minutes; it works once:\n\n{link}\n\n\
             If you did not ask for this, ignore this message: your password has not changed.\n"
        ),
        sensitive: true,
        html: false,
    }
}

/// Sent when a new account is registered.
pub fn welcome(to: &Email, username: &str, confirm_link: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: "Your PACER account".into(),
        body: format!(
            "Your PACER account {username} has been registered.\n\n\
             Confirm that this is your email address by opening this link within 24 hours:\n\n{confirm_link}\n\n\
             To file in a court that is live on NextGen CM/ECF, log in at the court's CM/ECF site with this \
             account and link your CM/ECF account to it from Utilities.\n"
        ),
        sensitive: true,
        html: false,
    }
}

/// Sent to the new address of an email change: the change takes effect only
/// once this address confirms it.
pub fn confirm_email_change(to: &Email, username: &str, confirm_link: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: "Confirm your new PACER email address".into(),
        body: format!(
            "The PACER account {username} asked to use this email address from now on.\n\n\
             To confirm it, open this link within 24 hours. The change also needs the approval of the \
             account's current address (a link was sent there); until both are done the account keeps \
             its old address:\n\n\
             {confirm_link}\n\n\
             If you did not ask for this, ignore this message.\n"
        ),
        sensitive: true,
        html: false,
    }
}

/// Sent to an account's current address when a change of address is asked
/// for: the change needs this approval as well as the new address's
/// confirmation, so a password thief cannot move the account's mail away.
pub fn approve_email_change(to: &Email, username: &str, new_email: &Email, approve_link: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: format!("Approve the change of your PACER email address to {new_email}"),
        body: format!(
            "Someone asked to change the email address of the PACER account {username} to {new_email}.\n\n\
             The change takes effect only once you approve it with this link (within 24 hours) and the new \
             address confirms it:\n\n\
             {approve_link}\n\n\
             If you did not ask for this, do not open the link: your address stays as it is. Someone may \
             know your password: change it at once and turn on multi-factor authentication.\n"
        ),
        sensitive: true,
        html: false,
    }
}

/// The code that confirms, with the account's own mailbox, the first
/// authenticator app of an account: a password thief cannot enrol one.
pub fn mfa_enrolment_code(to: &Email, username: &str, code: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: "Your PACER multi-factor authentication setup code".to_owned(),
        body: format!(
            "Someone, we hope you, is setting up multi-factor authentication for the PACER account {username}.\n\n\
             To finish, enter this code on the page that shows the QR code: {code}\n\n\
             The code works once, for 15 minutes. If this was not you, change your password at once:\n\
             whoever started this knows it.\n"
        ),
        sensitive: true,
        html: false,
    }
}

/// One document of a filing, as its notice lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NefDocument {
    pub description: String,
    pub original_filename: String,
    pub stamp: String,
    pub link: String,
    /// The document's id (its free looks are made for it).
    pub document_id: i64,
}

/// What a Notice of Electronic Filing says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nef {
    pub court_name: String,
    pub district: bool,
    pub case_title: String,
    pub case_number: String,
    pub docket_link: String,
    pub event: String,
    pub entered_by: String,
    /// "11/26/2026 at 9:41 AM EST", in the court's time zone.
    pub entered_at: String,
    /// "11/26/2026".
    pub filed_on: String,
    pub filer: String,
    /// A bankruptcy case's chapter (its notices' subjects begin "Ch-7").
    pub chapter: Option<i64>,
    pub document_number: i64,
    pub docket_text: String,
    pub noticed: Vec<(String, String)>,
    pub documents: Vec<NefDocument>,
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

impl Nef {
    /// CM/ECF's subject line: "Activity in Case 1:26-cv-00012-ABC Doe v. Roe Motion to Dismiss".
    pub fn subject(&self) -> String {
        if let Some(ch) = self.chapter {
            return format!("Ch-{ch} {} {} {}", self.case_number, self.case_title, self.event);
        }
        format!(
            "Activity in Case {} {} {}",
            self.case_number, self.case_title, self.event
        )
    }

    /// The notice as a whole HTML document (the mail's body).
    pub fn html(&self) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Notice of Electronic Filing</title></head><body>\n{}</body></html>\n",
            self.fragment()
        )
    }

    /// The notice's content, in the real NEF's shape and words (also the receipt page's).
    pub fn fragment(&self) -> String {
        let e = html_escape;
        let court_kind = if self.district {
            "U.S. District Court"
        } else {
            "U.S. Bankruptcy Court"
        };
        let mut out = String::new();
        out.push_str("<p><strong>This is an automatic e-mail message generated by the CM/ECF system. Please DO NOT RESPOND to this e-mail because the mail box is unattended.</strong></p>\n");
        out.push_str(&format!(
            "<p><strong>{court_kind}</strong></p>\n<p><strong>{}</strong></p>\n",
            e(&self.court_name)
        ));
        out.push_str("<p><strong>Notice of Electronic Filing</strong></p>\n");
        out.push_str(&format!(
            "<p>The following transaction was entered by {} on {} and filed on {}</p>\n",
            e(&self.entered_by),
            e(&self.entered_at),
            e(&self.filed_on)
        ));
        out.push_str("<table>\n");
        out.push_str(&format!(
            "<tr><td><strong>Case Name:</strong></td><td>{}</td></tr>\n",
            e(&self.case_title)
        ));
        out.push_str(&format!(
            "<tr><td><strong>Case Number:</strong></td><td><a href=\"{}\">{}</a></td></tr>\n",
            e(&self.docket_link),
            e(&self.case_number)
        ));
        out.push_str(&format!(
            "<tr><td><strong>Filer:</strong></td><td>{}</td></tr>\n",
            e(&self.filer)
        ));
        let main_link = self.documents.first().map(|d| d.link.as_str()).unwrap_or_default();
        out.push_str(&format!(
            "<tr><td><strong>Document Number:</strong></td><td><a href=\"{}\">{}</a></td></tr>\n",
            e(main_link),
            self.document_number
        ));
        out.push_str("</table>\n");
        out.push_str(&format!(
            "<p><strong>Docket Text:</strong><br>\n<font face=\"arial,helvetica\" size=\"2\"><b>{}</b></font></p>\n",
            e(&self.docket_text)
        ));
        out.push_str(&format!(
            "<p><strong>{} Notice has been electronically mailed to:</strong></p>\n<p>",
            e(&self.case_number)
        ));
        for (name, email) in &self.noticed {
            out.push_str(&format!("{} &nbsp; {}<br>\n", e(name), e(email)));
        }
        out.push_str("</p>\n");
        out.push_str(&format!(
            "<p><strong>{} Notice will not be electronically mailed to:</strong></p>\n",
            e(&self.case_number)
        ));
        out.push_str("<p>The following document(s) are associated with this transaction:</p>\n");
        for d in &self.documents {
            out.push_str(&format!(
                "<p><strong>Document description:</strong>{}<br>\n<strong>Original filename:</strong>{}<br>\n<strong>Electronic document Stamp:</strong><br>\n{}</p>\n",
                e(&d.description),
                e(&d.original_filename),
                e(&d.stamp)
            ));
        }
        out
    }

    /// The notice as a mail to one recipient.
    pub fn mail(&self, to: &Email) -> Mail {
        Mail {
            to: to.clone(),
            subject: self.subject(),
            body: self.html(),
            sensitive: false,
            html: true,
        }
    }
}

/// One filing listed in a Daily Summary Report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub case_number: String,
    pub case_title: String,
    pub document_number: i64,
    pub docket_text: String,
    /// The document, through the recipient's own free look.
    pub link: String,
    /// "11/26/2026".
    pub filed_on: String,
}

/// The Daily Summary Report: one plain mail per recipient address listing
/// the day's filings in the cases where they are noticed. Its links are free
/// looks of the recipient's own, so the stored copy is blanked once delivered.
pub fn daily_summary(to: &Email, court_name: &str, day: NaiveDate, items: &[SummaryItem]) -> Mail {
    let mut body = format!(
        "This is an automatic e-mail message generated by the CM/ECF system. Please DO NOT RESPOND to this e-mail because the mail box is unattended.\n\n\
         {court_name}\nDaily Summary Report\n\nThe following transactions were entered on {}:\n",
        day.format("%-m/%-d/%Y"),
    );
    for item in items {
        body.push_str(&format!(
            "\n{} {}\nDocument Number: {} (filed {})\nDocket Text: {}\nDocument: {}\n",
            item.case_number, item.case_title, item.document_number, item.filed_on, item.docket_text, item.link
        ));
    }
    body.push_str(
        "\nEach document link gives you one free look within 15 days. To receive a Notice of Electronic Filing \
         for each filing instead, change your delivery method at Utilities, Maintain Your ECF Account.\n",
    );
    Mail {
        to: to.clone(),
        subject: format!("Daily Summary Report for {court_name} {}", day.format("%-m/%-d/%Y")),
        body,
        sensitive: true,
        html: false,
    }
}
