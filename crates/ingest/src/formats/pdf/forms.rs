//! Guards pdf-extract against form XObjects that draw themselves: it follows `Do` into a form
//! without a depth limit, so a form that (directly, through others, or through the resources it
//! inherits) draws itself would recurse until the stack overflows, which aborts the process.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::super::find;

/// How deep forms may nest; real documents nest two or three.
const MAX_DEPTH: usize = 32;

/// How many form references a page may lead to in all before it is taken for hostile.
const MAX_VISITS: usize = 10_000;

/// Whether drawing the page `page_id` would nest forms without end (a cycle) or too deep.
pub(super) fn endless(doc: &Document, page_id: ObjectId) -> bool {
    let Ok((inline, ids)) = doc.get_page_resources(page_id) else {
        return false;
    };
    let mut budget = MAX_VISITS;
    let mut stack = Vec::new();
    inline
        .into_iter()
        .chain(ids.iter().filter_map(|&id| doc.get_dictionary(id).ok()))
        .any(|resources| nests_endlessly(doc, resources, &mut stack, &mut budget))
}

/// Whether a form named in `resources` draws, through `Do`, a form already being drawn.
fn nests_endlessly(
    doc: &Document,
    resources: &Dictionary,
    stack: &mut Vec<ObjectId>,
    budget: &mut usize,
) -> bool {
    let Ok(xobjects) = resources
        .get(b"XObject")
        .and_then(|o| doc.dereference(o))
        .and_then(|(_, o)| o.as_dict())
    else {
        return false;
    };
    for (_, obj) in xobjects.iter() {
        if *budget == 0 {
            return true;
        }
        *budget -= 1;
        let Ok(id) = obj.as_reference() else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            continue;
        }
        // A form that draws no other form ends the chain.
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        if find(&content, b"Do").is_none() {
            continue;
        }
        if stack.contains(&id) || stack.len() >= MAX_DEPTH {
            return true;
        }
        // A form without resources of its own uses those of whatever draws it.
        let own = stream
            .dict
            .get(b"Resources")
            .and_then(|o| doc.dereference(o))
            .and_then(|(_, o)| o.as_dict())
            .ok();
        stack.push(id);
        let endless = nests_endlessly(doc, own.unwrap_or(resources), stack, budget);
        stack.pop();
        if endless {
            return true;
        }
    }
    false
}
