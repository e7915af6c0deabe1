//! The filing menus' lists of categories with their links, worked out and
//! rendered to HTML once for each court, menu and event catalogue rather
//! than on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use openecf_domain::{Catalogue, Court, CourtId, CourtKind, FilingMenu};

/// A filing menu's categories, each with the page that files its events
/// (where there is one).
pub(crate) type MenuCategories = Vec<(String, Option<String>)>;

/// One menu as it was worked out: for which court kind and catalogue.
struct Made {
    menu: FilingMenu,
    kind: CourtKind,
    /// Held, so it cannot be freed and another catalogue take its place at
    /// the same address: the same pointer is the same catalogue.
    catalogue: Arc<Catalogue>,
    list: Arc<str>,
}

/// The menus worked out, by court: at most one entry a court and menu.
#[derive(Default)]
pub(crate) struct Menus(Mutex<HashMap<CourtId, Vec<Made>>>);

impl Menus {
    /// The list of `menu`'s categories at `court` under `catalogue` (the
    /// read cache's current one), as HTML: kept from before while the
    /// catalogue is the same one, else `render`'s (which escapes what it
    /// writes; an error is not kept).
    pub(crate) fn list<E>(
        &self,
        court: &Court,
        menu: FilingMenu,
        catalogue: &Arc<Catalogue>,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        let same = |m: &Made| m.menu == menu && m.kind == court.kind && Arc::ptr_eq(&m.catalogue, catalogue);
        if let Ok(menus) = self.0.lock() {
            if let Some(made) = menus.get(&court.id).and_then(|all| all.iter().find(|m| same(m))) {
                return Ok(made.list.clone());
            }
        }
        let list: Arc<str> = render()?.into();
        if let Ok(mut menus) = self.0.lock() {
            let all = menus.entry(court.id.clone()).or_default();
            all.retain(|m| m.menu != menu);
            all.push(Made {
                menu,
                kind: court.kind,
                catalogue: catalogue.clone(),
                list: list.clone(),
            });
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_menu_is_worked_out_once_a_catalogue_and_again_for_a_new_one() {
        let court = Court {
            id: CourtId::parse("gamb").unwrap(),
            kind: CourtKind::Bankruptcy,
            name: "Middle District of Georgia".into(),
            location: String::new(),
            release: openecf_domain::Release::V1_0,
            status: openecf_domain::NextGenStatus::NotLive { planned: None },
        };
        let menus = Menus::default();
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok::<_, ()>(format!("<li>made {}</li>", made.get()))
        };
        let first = Arc::new(Catalogue::new(court.kind, Vec::new()));
        let a = menus.list(&court, FilingMenu::Bankruptcy, &first, make).unwrap();
        let b = menus.list(&court, FilingMenu::Bankruptcy, &first, make).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(made.get(), 1, "worked out again for the same catalogue");
        // Another menu, and the court's catalogue read anew: worked out again.
        menus.list(&court, FilingMenu::Adversary, &first, make).unwrap();
        let again = Arc::new(Catalogue::new(court.kind, Vec::new()));
        let c = menus.list(&court, FilingMenu::Bankruptcy, &again, make).unwrap();
        assert_eq!(made.get(), 3);
        assert_eq!(&*c, "<li>made 3</li>");
        // A failed rendering is not kept: the next request renders again.
        let other = Arc::new(Catalogue::new(court.kind, Vec::new()));
        assert!(menus.list(&court, FilingMenu::Bankruptcy, &other, || Err(())).is_err());
        menus.list(&court, FilingMenu::Bankruptcy, &other, make).unwrap();
        assert_eq!(made.get(), 4);
    }
}
