//! Keyboard focus around regions drawn as markup. Redrawing a region
//! replaces its elements, and the focus goes to the document with the
//! element that had it: a keyboard or screen-reader user is sent back to the
//! top of the page by a sync they did not ask for. These put it back, or
//! move it where an action leads (a form that opened, the Undo that
//! appeared).

use leptos::prelude::*;
use leptos::web_sys::Element;
use std::cell::Cell;
use std::time::Duration;

thread_local! {
    /// The number of the latest focus move an action asked for. A move
    /// still waiting for its turn gives way to a later one: a quick second
    /// action (Undo right after Delete) must not have its focus taken by
    /// the first one's late retry.
    static LATEST: Cell<u32> = const { Cell::new(0) };
}

/// Whether [`focus_soon`] may take the focus from where it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The person's action leads there: move it, unless they have already
    /// moved on (typing fast into another field, say).
    Always,
    /// Only if the redraw dropped it; never taken from where they moved it.
    IfLost,
}

/// True when nothing has the focus (it is on the document's body).
pub fn lost() -> bool {
    document()
        .active_element()
        .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"))
}

/// Focuses the first element matching `selector` once the redraw in
/// progress is on the page, and again a little later if the focus is still
/// lost: a change that goes through IndexedDB first reaches the page only
/// then.
pub fn focus_soon(selector: String, when: When) {
    let move_number = LATEST.with(|latest| {
        latest.set(latest.get().wrapping_add(1));
        latest.get()
    });
    schedule(selector, when, move_number);
}

/// Runs the move numbered `move_number` (see [`LATEST`]), unless a later
/// one was asked for meanwhile.
fn schedule(selector: String, when: When, move_number: u32) {
    let origin = document().active_element();
    for (delay, when) in [(16, when), (300, When::IfLost)] {
        let selector = selector.clone();
        let origin = origin.clone();
        crate::components::run_later(
            move || {
                if LATEST.with(Cell::get) != move_number {
                    return;
                }
                let unmoved = when == When::Always && document().active_element() == origin;
                if (unmoved || lost())
                    && let Ok(Some(element)) = document().query_selector(&selector)
                    && let Ok(element) =
                        wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(element)
                {
                    let _ = element.focus();
                }
            },
            Duration::from_millis(delay),
        );
    }
}

/// Call from a region's render closure, before it returns the new markup:
/// if the focused element can be found again by its id or data attributes,
/// it gets the focus back after the redraw (when the redraw dropped it).
/// It never supersedes a move an action asked for.
pub fn keep_focus() {
    if cfg!(feature = "hydrate")
        && let Some(selector) = document().active_element().and_then(|e| selector_for(&e))
    {
        schedule(selector, When::IfLost, LATEST.with(Cell::get));
    }
}

/// A selector that finds `element` again in freshly drawn markup: its tag
/// with its id and every `data-` attribute, or nothing if it has none (or a
/// value this selector would have to escape).
fn selector_for(element: &Element) -> Option<String> {
    let mut selector = element.tag_name().to_ascii_lowercase();
    let mut keyed = false;
    for name in element.get_attribute_names().iter() {
        let Some(name) = name.as_string() else {
            continue;
        };
        if name != "id" && !name.starts_with("data-") {
            continue;
        }
        let value = element.get_attribute(&name).unwrap_or_default();
        if value.contains(['"', '\\']) {
            return None;
        }
        selector += &format!(r#"[{name}="{value}"]"#);
        keyed = true;
    }
    keyed.then_some(selector)
}
