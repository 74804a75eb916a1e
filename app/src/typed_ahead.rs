//! What a person typed into the server's copy of a page before the app took
//! it over (docs/OFFLINE.md §4). The app mounts in place of the server's
//! markup instead of adopting it, so the program's search text, a filter
//! chosen or a box ticked in that second would go with the old nodes. It is
//! read before they go and given to the app's control of the same id as if
//! typed there (an `input` and a `change` event, which the views listen
//! to), and the focus, with the caret, goes back where it was.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Event, EventInit};

#[wasm_bindgen]
extern "C" {
    /// An `<input>`, `<select>` or `<textarea>`, through the properties the
    /// three share, read by name: one binding for all three instead of one
    /// per element type (each binding is bundle bytes).
    #[wasm_bindgen(extends = web_sys::HtmlElement)]
    type Control;

    /// `checkbox`, `radio`, `select-one`, `textarea`, `search`…
    #[wasm_bindgen(method, getter, js_name = type)]
    fn kind(this: &Control) -> String;
    #[wasm_bindgen(method, getter)]
    fn value(this: &Control) -> String;
    #[wasm_bindgen(method, setter)]
    fn set_value(this: &Control, value: &str);
    /// What the markup wrote (a `<select>` has none).
    #[wasm_bindgen(method, getter, js_name = defaultValue)]
    fn default_value(this: &Control) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn checked(this: &Control) -> bool;
    #[wasm_bindgen(method, setter)]
    fn set_checked(this: &Control, checked: bool);
    #[wasm_bindgen(method, getter, js_name = defaultChecked)]
    fn default_checked(this: &Control) -> bool;
    /// `null` where the control has no caret.
    #[wasm_bindgen(method, getter, js_name = selectionStart)]
    fn selection_start(this: &Control) -> Option<u32>;
    #[wasm_bindgen(method, getter, js_name = selectionEnd)]
    fn selection_end(this: &Control) -> Option<u32>;
    #[wasm_bindgen(method, js_name = setSelectionRange)]
    fn set_selection_range(this: &Control, start: u32, end: u32);
}

/// A control's state that differs from what the server wrote.
#[derive(Debug)]
enum Entered {
    Text(String),
    Checked(bool),
}

#[derive(Debug, Default)]
pub struct TypedAhead {
    entered: Vec<(String, Entered)>,
    /// The focused control's id, and its caret where it has one.
    focused: Option<(String, Option<(u32, u32)>)>,
}

impl TypedAhead {
    /// What the person changed in the server's page: every control with an
    /// id whose value is no longer the one in the markup.
    pub fn read() -> Self {
        let document = leptos::prelude::document();
        let mut typed = TypedAhead::default();
        let Ok(controls) = document.query_selector_all("input[id], select[id], textarea[id]")
        else {
            return typed;
        };
        let active = document.active_element();
        for i in 0..controls.length() {
            let Some(control) = controls.item(i).map(JsCast::unchecked_into::<Control>) else {
                continue;
            };
            let entered = match control.kind().as_str() {
                "checkbox" | "radio" => (control.checked() != control.default_checked())
                    .then(|| Entered::Checked(control.checked())),
                _ => (control.value() != written(&control)).then(|| Entered::Text(control.value())),
            };
            if active.as_ref().is_some_and(|a| {
                AsRef::<wasm_bindgen::JsValue>::as_ref(a)
                    == AsRef::<wasm_bindgen::JsValue>::as_ref(&control)
            }) {
                let caret = control.selection_start().zip(control.selection_end());
                typed.focused = Some((control.id(), caret));
            }
            if let Some(entered) = entered {
                typed.entered.push((control.id(), entered));
            }
        }
        typed
    }

    /// Gives it to the app's controls of the same ids, once they are drawn.
    /// A control the app's page does not have is skipped: that page did
    /// not ask for it.
    pub fn restore(self) {
        let document = leptos::prelude::document();
        let control = |id: &str| {
            document
                .get_element_by_id(id)
                .map(JsCast::unchecked_into::<Control>)
        };
        for (id, entered) in self.entered {
            let Some(control) = control(&id) else {
                continue;
            };
            match entered {
                Entered::Checked(checked) => control.set_checked(checked),
                Entered::Text(text) => control.set_value(&text),
            }
            for name in ["input", "change"] {
                let init = EventInit::new();
                init.set_bubbles(true);
                if let Ok(event) = Event::new_with_event_init_dict(name, &init) {
                    let _ = control.dispatch_event(&event);
                }
            }
        }
        let Some((id, caret)) = self.focused else {
            return;
        };
        if let Some(control) = control(&id) {
            let _ = control.focus();
            if let Some((start, end)) = caret {
                control.set_selection_range(start, end);
            }
        }
    }
}

/// The value the markup gave `control`: its default value, or for a
/// `<select>`, the option marked `selected`, else the first.
fn written(control: &Control) -> String {
    if let Some(value) = control.default_value() {
        return value;
    }
    ["option[selected]", "option"]
        .iter()
        .find_map(|selector| control.query_selector(selector).ok().flatten())
        .and_then(|option| option.get_attribute("value"))
        .unwrap_or_default()
}
