//! The ruling lines of a page: the borders of its tables, read from its content stream as the
//! straight, axis-aligned lines it strokes and the thin rectangles it fills (Word draws every
//! border as a rectangle a hair wide, filled with `f*`).
//!
//! pdf-extract reports only the paths painted with `S`, `f` and `F` (it skips `f*`, `B`, `b`, the
//! very operators Word draws borders with), and decoding the stream again with lopdf's
//! `Content::decode` costs about a third of the whole extraction, as it builds an object for
//! every string and array of the text. So the stream is scanned here for the few operators that
//! draw lines, stepping over the text: on the six Gazette PDFs of `tests/realdocs/` the scan
//! takes a fifth of the time `Content::decode` takes (fetching the content included).

use lopdf::{Dictionary, Document, Object, ObjectId};

/// A ruling line in page space: horizontal (`y0 == y1`) or vertical (`x0 == x1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// The thickest a filled rectangle may be to draw a line, in points: Word's borders are 0.5 to
/// 1.5 points, a double border two of them; a shaded cell is many points in both directions.
const THIN: f64 = 3.0;

/// The shortest line kept, in points: shorter ones are the corners where borders meet.
const SHORTEST: f64 = 1.5;

/// How deep forms may nest while scanned (`forms::endless` has refused cycles already).
const MAX_DEPTH: usize = 8;

/// The most bytes of content scanned for one page, forms included, and the most lines kept:
/// past these a page is hostile or no table, and its tables are read without rules.
const MAX_BYTES: usize = 64 << 20;
const MAX_RULES: usize = 20_000;

/// The ruling lines of page `page_id`, in page space (the space of the glyphs' positions).
pub(super) fn page_rules(doc: &Document, page_id: ObjectId) -> Vec<Rule> {
    let Ok(content) = doc.get_page_content(page_id) else {
        return Vec::new();
    };
    let resources: Vec<&Dictionary> = match doc.get_page_resources(page_id) {
        Ok((inline, ids)) => inline
            .into_iter()
            .chain(ids.iter().filter_map(|&id| doc.get_dictionary(id).ok()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut scan = Scan {
        doc,
        rules: Vec::new(),
        budget: MAX_BYTES,
    };
    scan.stream(&content, &resources, IDENTITY, 0);
    if scan.rules.len() > MAX_RULES {
        return Vec::new();
    }
    scan.rules
}

/// An affine transform `[a b c d e f]` as PDF writes it: (x, y) ↦ (ax + cy + e, bx + dy + f).
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: the transform that applies `m` first.
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// The graphics state the scan follows.
#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    /// Whether the fill, and the stroke, colour is white: a white line draws nothing.
    white_fill: bool,
    white_stroke: bool,
}

/// A path being built, in page space.
#[derive(Default)]
struct Path {
    subpaths: Vec<Subpath>,
}

/// A piece of a path: the points its straight lines run through.
struct Subpath {
    points: Vec<(f64, f64)>,
    closed: bool,
    /// Whether a curve is part of it: then it draws no ruling line.
    curved: bool,
}

impl Subpath {
    fn new(points: Vec<(f64, f64)>) -> Subpath {
        Subpath {
            points,
            closed: false,
            curved: false,
        }
    }
}

struct Scan<'a> {
    doc: &'a Document,
    rules: Vec<Rule>,
    budget: usize,
}

impl Scan<'_> {
    /// Scans one content stream drawn with `ctm` and `resources` (the innermost first).
    fn stream(&mut self, content: &[u8], resources: &[&Dictionary], ctm: Matrix, depth: usize) {
        if content.len() > self.budget || self.rules.len() > MAX_RULES {
            self.budget = 0;
            return;
        }
        self.budget -= content.len();
        let mut state = State {
            ctm,
            white_fill: false,
            white_stroke: false,
        };
        let mut saved: Vec<State> = Vec::new();
        let mut path = Path::default();
        let mut nums: Vec<f64> = Vec::new();
        let mut name: Option<&[u8]> = None;
        let mut lexer = Lexer { s: content, i: 0 };
        while let Some(token) = lexer.next() {
            let op = match token {
                Token::Number(n) => {
                    nums.push(n);
                    continue;
                }
                Token::Name(n) => {
                    name = Some(n);
                    continue;
                }
                Token::Other => continue,
                Token::Operator(op) => op,
            };
            match op {
                b"q" => saved.push(state),
                b"Q" => state = saved.pop().unwrap_or(state),
                b"cm" => {
                    if let [a, b, c, d, e, f] = nums[..] {
                        state.ctm = concat(&[a, b, c, d, e, f], &state.ctm);
                    }
                }
                b"g" | b"rg" | b"k" | b"sc" | b"scn" => state.white_fill = is_white(op, &nums),
                b"G" | b"RG" | b"K" | b"SC" | b"SCN" => {
                    state.white_stroke = is_white(&op.to_ascii_lowercase(), &nums);
                }
                b"m" | b"l" | b"c" | b"v" | b"y" | b"re" | b"h" => {
                    path.build(op, &nums, &state.ctm)
                }
                b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"n" => {
                    if op == b"s" || op.starts_with(b"b") {
                        path.build(b"h", &[], &state.ctm);
                    }
                    let strokes = matches!(op, b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*");
                    let fills = !matches!(op, b"S" | b"s" | b"n");
                    if strokes && !state.white_stroke {
                        self.stroked(&path);
                    }
                    if fills && !state.white_fill {
                        self.filled(&path);
                    }
                    path = Path::default();
                }
                b"Do" if depth < MAX_DEPTH => {
                    if let Some(n) = name {
                        self.form(n, resources, &state.ctm, depth);
                    }
                }
                b"BI" => lexer.skip_inline_image(),
                _ => {}
            }
            nums.clear();
            name = None;
        }
    }

    /// Draws the form XObject `name` of `resources`, if it is one.
    fn form(&mut self, name: &[u8], resources: &[&Dictionary], ctm: &Matrix, depth: usize) {
        let doc = self.doc;
        let Some(stream) = resources.iter().find_map(|r| {
            let xobjects = r
                .get(b"XObject")
                .and_then(|o| doc.dereference(o))
                .and_then(|(_, o)| o.as_dict())
                .ok()?;
            let id = xobjects.get(name).and_then(Object::as_reference).ok()?;
            doc.get_object(id).and_then(Object::as_stream).ok()
        }) else {
            return;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return;
        }
        let matrix = stream
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| {
                let v: Vec<f64> = a
                    .iter()
                    .filter_map(|o| o.as_float().ok().map(f64::from))
                    .collect();
                <[f64; 6]>::try_from(v.as_slice()).ok()
            })
            .unwrap_or(IDENTITY);
        let own = stream
            .dict
            .get(b"Resources")
            .and_then(|o| doc.dereference(o))
            .and_then(|(_, o)| o.as_dict())
            .ok();
        let mut inner: Vec<&Dictionary> = own.into_iter().collect();
        inner.extend(resources);
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        self.stream(&content, &inner, concat(&matrix, ctm), depth + 1);
    }

    /// The lines a stroked path draws: its axis-aligned pieces.
    fn stroked(&mut self, path: &Path) {
        for sub in path.subpaths.iter().filter(|s| !s.curved) {
            let points = &sub.points;
            for w in points.windows(2) {
                self.push(w[0], w[1]);
            }
            if sub.closed && points.len() > 2 {
                self.push(points[points.len() - 1], points[0]);
            }
        }
    }

    /// The lines a filled path draws: its upright rectangles thin in one direction (however
    /// drawn: `re`, or four corners), each as the line along its middle.
    fn filled(&mut self, path: &Path) {
        for sub in path.subpaths.iter().filter(|s| !s.curved) {
            let points = &sub.points;
            if points.len() < 3 {
                continue;
            }
            let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
            let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
            for &(x, y) in points {
                (x0, x1) = (x0.min(x), x1.max(x));
                (y0, y1) = (y0.min(y), y1.max(y));
            }
            // Only an upright rectangle: every point a corner (not a turned one, or a shape).
            let upright = points
                .iter()
                .all(|&(x, y)| (near(x, x0) || near(x, x1)) && (near(y, y0) || near(y, y1)));
            if !upright {
                continue;
            }
            if y1 - y0 <= THIN && x1 - x0 > y1 - y0 {
                let y = (y0 + y1) / 2.0;
                self.push((x0, y), (x1, y));
            } else if x1 - x0 <= THIN && y1 - y0 > x1 - x0 {
                let x = (x0 + x1) / 2.0;
                self.push((x, y0), (x, y1));
            }
        }
    }

    /// Keeps the line from `a` to `b` if it is horizontal or vertical and long enough.
    fn push(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        if !(dx.is_finite() && dy.is_finite()) || dx.max(dy) < SHORTEST {
            return;
        }
        let rule = if dy < 0.01 * dx.max(1.0) {
            let y = (a.1 + b.1) / 2.0;
            Rule {
                x0: a.0.min(b.0),
                y0: y,
                x1: a.0.max(b.0),
                y1: y,
            }
        } else if dx < 0.01 * dy.max(1.0) {
            let x = (a.0 + b.0) / 2.0;
            Rule {
                x0: x,
                y0: a.1.min(b.1),
                x1: x,
                y1: a.1.max(b.1),
            }
        } else {
            return;
        };
        self.rules.push(rule);
    }
}

impl Path {
    /// Adds to the path what the path-building operator `op` with operands `nums` draws.
    fn build(&mut self, op: &[u8], nums: &[f64], ctm: &Matrix) {
        match (op, nums) {
            (b"m", &[x, y]) => self.subpaths.push(Subpath::new(vec![apply(ctm, x, y)])),
            (b"l" | b"c" | b"v" | b"y", [.., x, y]) => {
                let p = apply(ctm, *x, *y);
                match self.subpaths.last_mut() {
                    // Drawing on from a closed subpath starts a new one at its start.
                    Some(sub) if sub.closed => {
                        let start = sub.points[0];
                        self.subpaths.push(Subpath::new(vec![start, p]));
                    }
                    Some(sub) => sub.points.push(p),
                    None => return,
                }
                if op != b"l"
                    && let Some(sub) = self.subpaths.last_mut()
                {
                    sub.curved = true;
                }
            }
            (b"re", &[x, y, w, h]) => self.subpaths.push(Subpath {
                points: vec![
                    apply(ctm, x, y),
                    apply(ctm, x + w, y),
                    apply(ctm, x + w, y + h),
                    apply(ctm, x, y + h),
                ],
                closed: true,
                curved: false,
            }),
            (b"h", _) => {
                if let Some(sub) = self.subpaths.last_mut() {
                    sub.closed = true;
                }
            }
            _ => {}
        }
    }
}

/// Whether the colour set by `op` (lower case: `g`, `rg`, `k`, `sc`, `scn`) is white.
fn is_white(op: &[u8], nums: &[f64]) -> bool {
    match (op, nums) {
        (b"g", [g]) => *g >= 0.99,
        (b"rg", [r, g, b]) => r.min(*g).min(*b) >= 0.99,
        (b"k", [c, m, y, k]) => c.max(*m).max(*y).max(*k) <= 0.01,
        (b"sc" | b"scn", [g]) => *g >= 0.99,
        (b"sc" | b"scn", [r, g, b]) => r.min(*g).min(*b) >= 0.99,
        _ => false,
    }
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

/// A token of a content stream, as far as the scan needs it.
enum Token<'a> {
    Number(f64),
    Name(&'a [u8]),
    Operator(&'a [u8]),
    /// A string, an array or dictionary bracket, or a malformed byte: skipped.
    Other,
}

/// Splits a content stream into tokens (ISO 32000-1, 7.2): strings, comments and inline images
/// are stepped over whole, so that their bytes are never read as operators.
struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Option<Token<'a>> {
        let s = self.s;
        while self.i < s.len() && is_space(s[self.i]) {
            self.i += 1;
        }
        let start = self.i;
        let &b = s.get(start)?;
        self.i += 1;
        Some(match b {
            b'%' => {
                while self.i < s.len() && !matches!(s[self.i], b'\n' | b'\r') {
                    self.i += 1;
                }
                Token::Other
            }
            b'(' => {
                self.skip_string();
                Token::Other
            }
            b'<' if s.get(self.i) == Some(&b'<') => {
                self.i += 1;
                Token::Other
            }
            b'<' => {
                while self.i < s.len() && s[self.i] != b'>' {
                    self.i += 1;
                }
                self.i += 1;
                Token::Other
            }
            b'/' => {
                let end = self.word_end();
                Token::Name(&s[start + 1..end])
            }
            _ if is_delimiter(b) => Token::Other,
            _ => {
                let end = self.word_end();
                let word = &s[start..end];
                if b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.') {
                    std::str::from_utf8(word)
                        .ok()
                        .and_then(|w| w.parse::<f64>().ok())
                        .map_or(Token::Other, Token::Number)
                } else {
                    Token::Operator(word)
                }
            }
        })
    }

    /// Moves past the regular characters of a name, number or operator; returns where they end.
    fn word_end(&mut self) -> usize {
        while self.i < self.s.len() && !is_space(self.s[self.i]) && !is_delimiter(self.s[self.i]) {
            self.i += 1;
        }
        self.i
    }

    /// Moves past a literal string, its opening parenthesis read: balanced parentheses nest, a
    /// backslash escapes the byte after it.
    fn skip_string(&mut self) {
        let mut depth = 1usize;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'\\' => self.i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.i += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
    }

    /// Moves past an inline image, `BI` read: its dictionary up to `ID`, then its binary data up
    /// to an `EI` standing apart.
    fn skip_inline_image(&mut self) {
        while let Some(t) = self.next() {
            if matches!(t, Token::Operator(b"ID")) {
                break;
            }
        }
        let s = self.s;
        while self.i + 2 <= s.len() {
            if &s[self.i..self.i + 2] == b"EI"
                && self.i > 0
                && is_space(s[self.i - 1])
                && s.get(self.i + 2).is_none_or(|&b| is_space(b))
            {
                self.i += 2;
                return;
            }
            self.i += 1;
        }
        self.i = s.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(content: &str) -> Vec<Rule> {
        let doc = Document::new();
        let mut s = Scan {
            doc: &doc,
            rules: Vec::new(),
            budget: MAX_BYTES,
        };
        s.stream(content.as_bytes(), &[], IDENTITY, 0);
        s.rules
    }

    fn h(x0: f64, x1: f64, y: f64) -> Rule {
        Rule {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    #[test]
    fn thin_filled_rectangles_are_lines_and_shading_is_not() {
        // Word: a border as a rectangle half a point high, filled even-odd; another drawn as
        // four corners and filled; a shaded cell; a white line; a thin curved shape.
        let rules = scan(
            "0 g 79.5 384.25 42 0.5 re f* 121.5 349.25 0.5 33.5 re f* \
             q 1 0 0 1 200 100 cm 0 0 m 0 50 l 1 50 l 1 0 l f Q \
             79.75 313.75 710.5 35 re f* 1 g 10 10 100 0.5 re f \
             0 g 0 0 m 5 1 10 1 20 0 c 20 0.5 l f",
        );
        assert_eq!(
            rules,
            vec![
                h(79.5, 121.5, 384.5),
                v(121.75, 349.25, 382.75),
                v(200.5, 100.0, 150.0)
            ]
        );
    }

    #[test]
    fn stroked_lines_follow_the_transform_and_strings_are_skipped() {
        let rules = scan(
            "q 2 0 0 2 10 20 cm BT (a ) re S \\) m) Tj [(x) 5 (y)] TJ ET \
             0 0 m 50 0 l S 0 0 10 5 re S Q 0 0 m 30 30 l S",
        );
        assert_eq!(
            rules,
            vec![
                h(10.0, 110.0, 20.0),
                h(10.0, 30.0, 20.0),
                v(30.0, 20.0, 30.0),
                h(10.0, 30.0, 30.0),
                v(10.0, 20.0, 30.0),
            ]
        );
    }

    #[test]
    fn inline_images_and_comments_hide_no_operators() {
        let rules = scan("BI /W 4 /H 1 ID \x01re f*S\x02 EI % 0 0 m 9 0 l S\n0 5 m 0 25 l S");
        assert_eq!(rules, vec![v(0.0, 5.0, 25.0)]);
    }
}
