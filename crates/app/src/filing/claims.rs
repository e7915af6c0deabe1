//! A Proof of Claim (Official Form 410) filed in a bankruptcy case: the
//! claim goes on the case's Claims Register with the next claim number, its
//! PDF checked and kept in the document store. CM/ECF keeps claims off the
//! docket; so does openecf. Any filer linked at the court may file one (a
//! creditor need not be a party of record).

use openecf_domain::claims::check_claim;
use openecf_domain::{AuditAction, AuditOutcome, CaseType, Court, CourtKind, NewAuditEvent, PacerAccount};
use openecf_store::{ClaimRow, NewClaim};

use super::{check_filer_for, find_case, store_documents, FilingRefusal, Upload};
use crate::{App, Result};

/// What the Proof of Claim form holds.
#[derive(Debug, Clone)]
pub struct NewProofOfClaim {
    pub case_number: String,
    pub creditor_name: String,
    /// One line per line.
    pub creditor_address: String,
    /// As typed: `1234.56`, `$1,234.56`.
    pub amount: String,
    pub claim: Upload,
}

/// The claim as filed, and its case.
#[derive(Debug, Clone)]
pub struct ClaimReceipt {
    pub case: openecf_store::CaseRow,
    pub claim: ClaimRow,
}

/// Files a proof of claim into a bankruptcy case at this court.
pub async fn file_claim(
    app: &App,
    court: &Court,
    filer: &PacerAccount,
    new: &NewProofOfClaim,
) -> Result<std::result::Result<ClaimReceipt, FilingRefusal>> {
    if court.kind != CourtKind::Bankruptcy {
        return Ok(Err(FilingRefusal::Invalid(
            "Proofs of claim are filed at bankruptcy courts.".into(),
        )));
    }
    if let Err(r) = check_filer_for(app, court, filer.into()).await? {
        return Ok(Err(r));
    }
    let input = match check_claim(&new.creditor_name, &new.creditor_address, &new.amount) {
        Ok(i) => i,
        Err(why) => return Ok(Err(FilingRefusal::Invalid(why))),
    };
    let case = match find_case(app, court, &new.case_number).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if case.number.case_type != CaseType::Bankruptcy {
        return Ok(Err(FilingRefusal::Invalid(format!(
            "{} is not a bankruptcy case: claims are filed in the bankruptcy case itself.",
            case.number
        ))));
    }
    let stored = match store_documents(app, &new.claim, "Proof of Claim", &[]).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let Some((doc, _)) = stored.into_iter().next() else {
        return Ok(Err(FilingRefusal::Invalid(
            "Proof of Claim: the PDF is required.".into(),
        )));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    // Claim numbers are taken under the case's lock: never reused, never skipped.
    tx.lock_case(case.id).await?;
    let (id, number) = tx
        .insert_claim(
            &NewClaim {
                case_id: case.id,
                creditor_name: input.creditor_name.clone(),
                creditor_address: input.creditor_address.clone(),
                amount_cents: input.amount_cents,
                filed_by: filer.id,
                original_filename: doc.original_filename.clone(),
                sha256: doc.sha256.clone(),
                size_bytes: doc.size_bytes,
                pages: doc.pages,
            },
            now,
        )
        .await?;
    tx.insert_audit(
        &NewAuditEvent {
            pacer_account: Some(filer.id),
            pacer_username: Some(filer.username.to_string()),
            court_id: Some(court.id.to_string()),
            detail: format!(
                "Proof of Claim #{number} in {} for {} ({})",
                case.number,
                input.creditor_name,
                openecf_domain::fees::money(input.amount_cents)
            ),
            ..NewAuditEvent::new(AuditAction::Filing, AuditOutcome::Done)
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(ClaimReceipt {
        claim: ClaimRow {
            id,
            case_id: case.id,
            claim_number: number,
            creditor_name: input.creditor_name,
            creditor_address: input.creditor_address,
            amount_cents: input.amount_cents,
            filed_at: now,
            filed_by: filer.username.to_string(),
            original_filename: doc.original_filename,
            sha256: doc.sha256,
            pages: doc.pages,
        },
        case,
    }))
}
