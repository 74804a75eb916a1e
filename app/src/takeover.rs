//! What the person did to the server's copy of a page before the app took
//! it over (docs/OFFLINE.md §4). The app mounts in place of the server's
//! markup instead of adopting it, so whatever the person did there would
//! be undone by the swap:
//! - where they had scrolled the program ([`ScrollAnchor`]; an unscrolled
//!   program is drawn from the first screen down, [`program_first_screen`]);
//! - what they typed or chose: the program's search text, a filter, a box
//!   ticked ([`TypedAhead`]). It is read before the server's nodes go and
//!   given to the app's control of the same id as if typed there (an
//!   `input` and a `change` event, which the views listen to), and the
//!   focus, with the caret, goes back where it was.

use std::rc::Rc;

use leptos::prelude::{
    IntoView, LocalStorage, StoredValue, UpdateValue, document, request_animation_frame,
    use_context, window,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Event, EventInit, HtmlElement};

/// The app built off screen, then put in place of the server's markup in
/// one step ([`Takeover::swap`]). Built in place, the app would have to be
/// drawn whole in the task that removes the server's copy, or the page
/// would show a blank frame; built off screen, the server's copy stays on
/// screen while the app is drawn over several tasks (the program page's
/// first screen a slice at a time, `pages::program::SliceFirstDraw`), so
/// no single task of the start blocks a phone for long.
#[derive(Clone)]
pub struct Takeover(Rc<Parts>);

struct Parts {
    body: HtmlElement,
    /// The app's root, `display: contents` so that the app lays out as
    /// the body's own children would.
    root: HtmlElement,
}

impl Takeover {
    pub fn new(body: HtmlElement) -> Option<Self> {
        let root = document()
            .create_element("div")
            .ok()?
            .dyn_into::<HtmlElement>()
            .ok()?;
        root.set_class_name("app-root");
        Some(Takeover(Rc::new(Parts { body, root })))
    }

    /// Draws the app into the off-screen root. Its effects run, and its
    /// later slices draw, while the server's copy is still on screen.
    pub fn mount<V: IntoView + 'static>(&self, app: impl FnOnce() -> V + 'static) {
        leptos::mount::mount_to(self.0.root.clone(), app).forget();
    }

    /// Puts the app in place of the server's markup, once
    /// ([`ShowOnceDrawn`]). What the person did to the server's copy
    /// meanwhile (typed, chose, focused, scrolled) is read just before it
    /// goes and given back to the app's page in its next frame. Says
    /// whether the page had been scrolled: the card to scroll back to must
    /// then be drawn by that frame.
    fn swap(&self) -> bool {
        let scrolled = window().scroll_y().unwrap_or(0.0) > 0.0;
        let anchor = scrolled.then(ScrollAnchor::find).flatten();
        let typed = TypedAhead::read();
        self.0.body.replace_children_with_node_1(&self.0.root);
        // Says the page is the app's now, not the server's inert copy:
        // browser tests and benchmarks wait for it before they use it.
        let _ = self.0.body.set_attribute("data-app", "live");
        // The same moment for the bundle benchmark (bench/program.mjs):
        // what the page fetched before it is what a first visit waits for.
        if let Some(performance) = window().performance() {
            let _ = performance.mark("hallpass-live");
        }
        // What the app draws now, it draws in this task's microtasks: the
        // card and the fields are there before the next frame. (A browser
        // refuses a frame callback only while it shuts the page down.)
        let _ = request_animation_frame(move || {
            if let Some(anchor) = anchor {
                anchor.restore();
            }
            typed.restore();
        });
        scrolled
    }
}

/// When the app takes the server's copy's place: once the page it starts
/// on is drawn, so that the server's copy stays on screen meanwhile and no
/// task of the start draws a whole page. The part of the app that draws
/// the page the app starts on claims the showing
/// ([`ShowOnceDrawn::claim`]): a lazy route, fetching its chunk meanwhile
/// (`pages::lazy`), or the program's list, drawing its first screen a
/// slice at a time (`pages::program::SliceFirstDraw`). Any other page is
/// drawn whole in the page's task (`DrawPage` in `app`), and leaves the
/// showing unclaimed: the app is shown in the task after that one
/// ([`ShowOnceDrawn::show_unclaimed`]).
#[derive(Clone, Copy)]
pub struct ShowOnceDrawn(StoredValue<Showing, LocalStorage>);

/// Puts the app on screen; says whether the page had been scrolled.
type Show = Box<dyn FnOnce() -> bool>;

enum Showing {
    Unclaimed(Show),
    Claimed(Show),
    Shown,
}

impl Showing {
    /// The show, leaving `Shown`, if no part of the app has claimed it.
    fn take_unclaimed(&mut self) -> Option<Show> {
        match std::mem::replace(self, Showing::Shown) {
            Showing::Unclaimed(show) => Some(show),
            other => {
                *self = other;
                None
            }
        }
    }

    /// The show, leaving `Shown`, if a part of the app has claimed it.
    fn take_claimed(&mut self) -> Option<Show> {
        match std::mem::replace(self, Showing::Shown) {
            Showing::Claimed(show) => Some(show),
            other => {
                *self = other;
                None
            }
        }
    }
}

impl ShowOnceDrawn {
    /// Showing `takeover`'s app, for the app's context.
    pub fn new(takeover: Takeover) -> Self {
        let show: Show = Box::new(move || takeover.swap());
        ShowOnceDrawn(StoredValue::new_local(Showing::Unclaimed(show)))
    }

    /// The showing, for the part of the app drawing the page it starts
    /// on, if no other part has claimed it: the first to ask claims it.
    pub fn claim() -> Option<Self> {
        let this = use_context::<Self>()?;
        let claimed = this
            .0
            .try_update_value(|s| {
                let show = s.take_unclaimed()?;
                *s = Showing::Claimed(show);
                Some(())
            })
            .flatten();
        claimed.map(|()| this)
    }

    /// Shows the app now unless a part of it claimed the showing.
    pub fn show_unclaimed(self) {
        if let Some(show) = self.0.try_update_value(Showing::take_unclaimed).flatten() {
            show();
        }
    }

    /// Shows the app now, if claimed and not shown yet; says whether the
    /// page had been scrolled.
    pub fn show_claimed(self) -> bool {
        self.0
            .try_update_value(Showing::take_claimed)
            .flatten()
            .is_some_and(|show| show())
    }

    /// Shows the app in the next task, if claimed and not shown yet: what
    /// the part that claimed it draws in this task is drawn by then. The
    /// timer is the browser's own, not Leptos's, which would be cancelled
    /// with the part of the page that set it: a part that goes away
    /// without drawing its page leaves the page that replaces it to show.
    pub fn show_claimed_later(self) {
        let show = wasm_bindgen::closure::Closure::once_into_js(move || {
            self.show_claimed();
        });
        let _ =
            window().set_timeout_with_callback_and_timeout_and_arguments_0(show.unchecked_ref(), 0);
    }
}

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
        let document = document();
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
        let document = document();
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

/// How many of the server's program cards the first screen shows, for the
/// app to draw those first and the rest in slices (`SliceFirstDraw`).
/// `None` where the page has been scrolled: the reader keeps their place
/// only if the app draws the whole program at once.
pub fn program_first_screen() -> Option<usize> {
    // Only the program page has a first screen of cards to draw first.
    document().query_selector(".page.program").ok()??;
    let window = window();
    if window.scroll_y().unwrap_or(0.0) > 0.0 {
        return None;
    }
    let bottom = window.inner_height().ok()?.as_f64()?;
    // In document order, which is top to bottom.
    let on_screen = program_cards()
        .take_while(|card| card.get_bounding_client_rect().top() < bottom)
        .count();
    Some(on_screen)
}

/// The program's cards on the page, in document order.
fn program_cards() -> impl Iterator<Item = web_sys::Element> {
    let cards = document().query_selector_all(".session-card").ok();
    let n = cards.as_ref().map_or(0, |c| c.length());
    (0..n).filter_map(move |i| cards.as_ref()?.item(i)?.dyn_into().ok())
}

/// The program card at the top of a scrolled page, and where it was: the
/// app's copy of the page lays out cards off screen at an estimated height
/// (`content-visibility: auto`), so the same scroll offset would show
/// another part of the program. Putting this card back where it was keeps
/// the reader's place.
pub struct ScrollAnchor {
    code: String,
    top: f64,
}

impl ScrollAnchor {
    /// The first card whose bottom is on screen.
    pub fn find() -> Option<Self> {
        let card = program_cards().find(|card| card.get_bounding_client_rect().bottom() > 0.0)?;
        Some(ScrollAnchor {
            code: card.get_attribute("data-code")?,
            top: card.get_bounding_client_rect().top(),
        })
    }

    /// Scrolls so that the same card is where it was.
    pub fn restore(self) {
        let card = program_cards()
            .find(|card| card.get_attribute("data-code").as_deref() == Some(self.code.as_str()));
        if let Some(card) = card {
            let moved = card.get_bounding_client_rect().top() - self.top;
            window().scroll_by_with_x_and_y(0.0, moved);
        }
    }
}
