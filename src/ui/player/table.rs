//! The list of records: one row a record, newest or oldest first, click to select and
//! play, Ctrl/Shift-click to choose several.

use egui_extras::{Column, TableBuilder};

use crate::archive::name::Direction;
use crate::lang::{Arg, t, tr};

use crate::player::model::{Pick, PlayerModel};

/// The list of records.
pub(super) fn ui(ui: &mut egui::Ui, model: &mut PlayerModel) {
    let rows = model.rows.clone();
    let mut clicked = None;
    // the rows drawn whose parties' names are not read yet
    let mut unnamed = Vec::new();
    // selectable text would take the click that should select the row
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::auto().at_least(120.0))
        .column(Column::auto().at_least(150.0))
        .column(Column::auto().at_least(20.0))
        .column(Column::auto().at_least(170.0))
        .column(Column::auto().at_least(40.0))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(50.0))
        .column(Column::auto().at_least(80.0))
        .column(Column::remainder())
        .header(20.0, |mut h| {
            for title in [
                "column-date",
                "column-internal",
                "",
                "column-external",
                "column-ring",
                "column-size",
                "column-tan",
                "column-call-id",
                "column-mark",
            ] {
                h.col(|ui| {
                    if !title.is_empty() {
                        ui.strong(t(title));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(20.0, rows.len(), |mut row| {
                let index = rows[row.index()];
                let e = &model.catalog.entries[index];
                row.set_selected(
                    model.selected == Some(index)
                        || model.chosen.contains(&model.catalog.entries[index].audio()),
                );
                let n = e.name();
                let names = model.names.get(&e.audio());
                if names.is_none() {
                    unnamed.push(e.audio());
                }
                let names = names.unwrap_or_default();
                let with_name = |number: &str, name: &Option<String>| match name {
                    Some(name) => format!("{number} ({name})"),
                    None => number.to_string(),
                };
                row.col(|ui| {
                    ui.label(format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}",
                        n.start.year, n.start.month, n.start.day, n.start.hour, n.start.minute
                    ));
                });
                // one line a row: a long name is cut, and shown whole on hover
                row.col(|ui| {
                    let text = with_name(&n.internal, &names.internal);
                    ui.add(egui::Label::new(&text).truncate());
                });
                row.col(|ui| {
                    let direction = t(if n.direction == Direction::Incoming {
                        "column-in"
                    } else {
                        "column-out"
                    });
                    let lock = if e.encrypted() {
                        t("column-encrypted")
                    } else {
                        String::new()
                    };
                    ui.label(format!("{direction}{lock}"));
                });
                row.col(|ui| {
                    let text = with_name(&n.external, &names.external);
                    ui.add(egui::Label::new(&text).truncate());
                });
                row.col(|ui| {
                    ui.label(format!("{} s", n.time_to_answer_s));
                });
                row.col(|ui| {
                    ui.label(format!("{:.1} MB", e.size as f64 / 1e6));
                });
                row.col(|ui| {
                    ui.label(n.tan.as_deref().unwrap_or(""));
                });
                // the call's id (the PBX's conference id): its last 8 digits, the whole
                // on hover
                row.col(|ui| {
                    let uid = e.uid();
                    let short = uid
                        .char_indices()
                        .rev()
                        .nth(7)
                        .map_or(uid, |(at, _)| &uid[at..]);
                    ui.label(short)
                        .on_hover_text(tr("column-call-id-full", &[("id", Arg::from(uid))]));
                });
                let name = model.session.relative(&e.audio());
                let mark = match (
                    model.prefs.marked.contains(&name),
                    model.shared_marks.names.contains(&name),
                ) {
                    (true, true) => t("column-mark-both"),
                    (true, false) => t("column-mark-here"),
                    (false, true) => t("column-mark-all"),
                    (false, false) => String::new(),
                };
                row.col(|ui| {
                    ui.label(mark);
                });
                if row.response().clicked() {
                    clicked = Some((row.index(), index));
                }
            });
        });
    model.want_names(unnamed);
    let modifiers = ui.input(|i| i.modifiers);
    if let Some((position, index)) = clicked {
        let pick = if modifiers.command {
            Pick::Toggle
        } else if modifiers.shift {
            Pick::Range
        } else {
            Pick::Plain
        };
        model.click_row(position, index, pick);
    }
}
