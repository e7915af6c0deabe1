//! The filing menus' categories with their links, worked out once for each
//! court, menu and event catalogue rather than on every request.

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
    categories: Arc<MenuCategories>,
}

/// The menus worked out, by court: at most one entry a court and menu.
#[derive(Default)]
pub(crate) struct Menus(Mutex<HashMap<CourtId, Vec<Made>>>);

impl Menus {
    /// The categories of `menu` at `court` under `catalogue` (the read
    /// cache's current one): kept from before while the catalogue is the
    /// same one, else `make`'s.
    pub(crate) fn categories(
        &self,
        court: &Court,
        menu: FilingMenu,
        catalogue: &Arc<Catalogue>,
        make: impl FnOnce() -> MenuCategories,
    ) -> Arc<MenuCategories> {
        let same = |m: &Made| m.menu == menu && m.kind == court.kind && Arc::ptr_eq(&m.catalogue, catalogue);
        if let Ok(menus) = self.0.lock() {
            if let Some(made) = menus.get(&court.id).and_then(|all| all.iter().find(|m| same(m))) {
                return made.categories.clone();
            }
        }
        let categories = Arc::new(make());
        if let Ok(mut menus) = self.0.lock() {
            let all = menus.entry(court.id.clone()).or_default();
            all.retain(|m| m.menu != menu);
            all.push(Made {
                menu,
                kind: court.kind,
                catalogue: catalogue.clone(),
                categories: categories.clone(),
            });
        }
        categories
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
            vec![(format!("made {}", made.get()), None)]
        };
        let first = Arc::new(Catalogue::new(court.kind, Vec::new()));
        let a = menus.categories(&court, FilingMenu::Bankruptcy, &first, make);
        let b = menus.categories(&court, FilingMenu::Bankruptcy, &first, make);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(made.get(), 1, "worked out again for the same catalogue");
        // Another menu, and the court's catalogue read anew: worked out again.
        menus.categories(&court, FilingMenu::Adversary, &first, make);
        let again = Arc::new(Catalogue::new(court.kind, Vec::new()));
        let c = menus.categories(&court, FilingMenu::Bankruptcy, &again, make);
        assert_eq!(made.get(), 3);
        assert_eq!(c[0].0, "made 3");
    }
}
