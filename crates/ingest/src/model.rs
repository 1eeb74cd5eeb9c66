//! The document model: what ingestion produces and everything else (index, store, server) reads.
//!
//! Its JSON form (serde) is the contract of `vankien parse --json`; see the README.
//! Every `span` is a pair of UTF-8 byte offsets `[start, end)` into [`Document::text`], the stored
//! (normalized) text of the document.

use serde::{Deserialize, Serialize};

/// A parsed document: header metadata, section tree, clauses, closing parts and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable, URL-safe id (`[a-z0-9._-]`) from number, issuer and date, e.g. `09-nq-dh.thai-binh.2020-10-15`.
    pub id: String,
    /// Document kind.
    pub kind: DocKind,
    /// The kind line as written in the header (`THÔNG BÁO`, `NGHỊ QUYẾT`, `ĐIỀU ƯỚC QUỐC TẾ`):
    /// kept so that a kind outside [`DocKind`] is not lost (its `kind` is then `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_name: Option<String>,
    /// Number as written in the header, e.g. `09-NQ/ĐH`, `12/2021/NQ-HĐND`.
    pub number: Option<String>,
    /// Issuing body, e.g. `Đại hội đại biểu Đảng bộ tỉnh Thái Bình lần thứ XX`.
    pub issuer: Option<String>,
    /// Place of issue, e.g. `Thái Bình`.
    pub place: Option<String>,
    /// Date of issue, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Title or subject line.
    pub title: Option<String>,
    /// Term, e.g. `2020 - 2025`, where the header gives one.
    pub term: Option<String>,
    /// Encoding the source was decoded from: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1258`.
    pub encoding: String,
    /// Where the document came from: the file name as given on the command line.
    pub source: String,
    /// What the source file was: `text`, `markdown`, `html`, `pdf`, `docx`, `odt` or `doc`.
    #[serde(default = "default_format")]
    pub format: String,
    /// How many pages the source has, where it has pages (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<u32>,
    /// Sections in document order.
    pub sections: Vec<Section>,
    /// Clauses in document order: the units of search and tagging.
    pub clauses: Vec<Clause>,
    /// Lines read as header, title block or enacting formula (`QUYẾT NGHỊ:`), as written: the
    /// source of the metadata fields above, kept so that no word of the source is lost.
    #[serde(default)]
    pub header: Vec<String>,
    /// Whom a letter or notice is sent to, from its `Kính gửi:` lines before the body, without
    /// their leading dash (`Đồng chí Phạm Minh Chính, Bí thư Đảng ủy Chính phủ,`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addressees: Vec<String>,
    /// Lines of the `Nơi nhận` list, without their leading dash.
    pub recipients: Vec<String>,
    /// Lines of the signature block (`T/M TỈNH ỦY`, `BÍ THƯ`, a name …).
    pub signature: Vec<String>,
    /// Text dropped as page furniture (running heads, page numbers), one entry a dropped line.
    pub furniture: Vec<String>,
    /// What the parser noticed and could not do, e.g. `no number found`.
    pub diagnostics: Vec<String>,
    /// The stored (normalized) text the spans point into. Not part of the JSON output.
    #[serde(skip)]
    pub text: String,
    /// Where each page starts in [`Document::text`] (byte offsets, ascending), where the source
    /// has pages; empty otherwise. Not part of the JSON output (clauses carry their pages).
    #[serde(skip)]
    pub page_starts: Vec<usize>,
}

fn default_format() -> String {
    "text".to_string()
}

impl Document {
    /// Gives the document another id, and its clauses ids under it (`<id>/<place>`): for a second
    /// document that would share an id with a different text.
    pub fn set_id(&mut self, id: &str) {
        for c in &mut self.clauses {
            if let Some(rest) = c.id.strip_prefix(self.id.as_str()) {
                c.id = format!("{id}{rest}");
            }
        }
        self.id = id.to_string();
    }

    /// The 1-based page of a byte offset of [`Document::text`], where the source has pages.
    pub fn page_of(&self, offset: usize) -> Option<u32> {
        page_of(&self.page_starts, offset)
    }
}

/// The 1-based page holding `offset`, given the pages' start offsets; `None` without pages.
pub fn page_of(page_starts: &[usize], offset: usize) -> Option<u32> {
    if page_starts.is_empty() {
        return None;
    }
    let i = page_starts.partition_point(|&s| s <= offset);
    u32::try_from(i.max(1)).ok()
}

/// The kind of a document, from its title line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Nghị quyết.
    Resolution,
    /// Chỉ thị.
    Directive,
    /// Kết luận.
    Conclusion,
    /// Quy định (Party regulation).
    Regulation,
    /// Quyết định.
    Decision,
    /// Chương trình hành động.
    ActionProgramme,
    /// Điều lệ (statute).
    Statute,
    /// Báo cáo (report).
    Report,
    /// Thông báo, also Thông báo kết luận (notice).
    Notice,
    /// Kế hoạch (plan).
    Plan,
    /// Hướng dẫn (guidance).
    Guidance,
    /// Đề án (scheme).
    Scheme,
    /// Tờ trình (proposal submitted for approval).
    Proposal,
    /// Công văn (official letter).
    OfficialLetter,
    /// Nghị định (Government decree).
    Decree,
    /// Thông tư (ministerial circular).
    Circular,
    /// Luật, Bộ luật (law).
    Law,
    /// Anything else.
    Other,
}

impl DocKind {
    /// Every kind, in a fixed order.
    pub const ALL: [DocKind; 18] = [
        DocKind::Resolution,
        DocKind::Directive,
        DocKind::Conclusion,
        DocKind::Regulation,
        DocKind::Decision,
        DocKind::ActionProgramme,
        DocKind::Statute,
        DocKind::Report,
        DocKind::Notice,
        DocKind::Plan,
        DocKind::Guidance,
        DocKind::Scheme,
        DocKind::Proposal,
        DocKind::OfficialLetter,
        DocKind::Decree,
        DocKind::Circular,
        DocKind::Law,
        DocKind::Other,
    ];

    /// The identifier used in JSON and filters (`resolution`, `conclusion` …).
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Resolution => "resolution",
            DocKind::Directive => "directive",
            DocKind::Conclusion => "conclusion",
            DocKind::Regulation => "regulation",
            DocKind::Decision => "decision",
            DocKind::ActionProgramme => "action_programme",
            DocKind::Statute => "statute",
            DocKind::Report => "report",
            DocKind::Notice => "notice",
            DocKind::Plan => "plan",
            DocKind::Guidance => "guidance",
            DocKind::Scheme => "scheme",
            DocKind::Proposal => "proposal",
            DocKind::OfficialLetter => "official_letter",
            DocKind::Decree => "decree",
            DocKind::Circular => "circular",
            DocKind::Law => "law",
            DocKind::Other => "other",
        }
    }

    /// The Vietnamese name (`Nghị quyết` …).
    pub fn vietnamese(self) -> &'static str {
        match self {
            DocKind::Resolution => "Nghị quyết",
            DocKind::Directive => "Chỉ thị",
            DocKind::Conclusion => "Kết luận",
            DocKind::Regulation => "Quy định",
            DocKind::Decision => "Quyết định",
            DocKind::ActionProgramme => "Chương trình hành động",
            DocKind::Statute => "Điều lệ",
            DocKind::Report => "Báo cáo",
            DocKind::Notice => "Thông báo",
            DocKind::Plan => "Kế hoạch",
            DocKind::Guidance => "Hướng dẫn",
            DocKind::Scheme => "Đề án",
            DocKind::Proposal => "Tờ trình",
            DocKind::OfficialLetter => "Công văn",
            DocKind::Decree => "Nghị định",
            DocKind::Circular => "Thông tư",
            DocKind::Law => "Luật",
            DocKind::Other => "Văn bản",
        }
    }

    /// Parses the identifier of [`DocKind::as_str`].
    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A heading of the section tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Label as written, without trailing punctuation: `A`, `II`, `3.2`, `Điều 3`, `Chương I`.
    pub label: String,
    /// Heading text after the label (may be empty).
    pub heading: String,
    /// Labels from the root down to and including this section.
    pub path: Vec<String>,
    /// Span of the heading line in the stored text.
    pub span: [usize; 2],
    /// The first and last page of the heading, where the source has pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

/// A clause: a paragraph or item, the unit of search and tagging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// Stable id: `<document id>/<place in the tree>`, e.g. `09-nq-dh.thai-binh.2020-10-15/a.ii.2.p3`.
    pub id: String,
    /// What the clause is.
    pub kind: ClauseKind,
    /// Item label as written (`(5)`, `a)`, `-`, `+`, `Một là`), if the clause is an item.
    pub label: Option<String>,
    /// Timeframe group of a target, e.g. `Bình quân giai đoạn 2021-2025`.
    pub group: Option<String>,
    /// Labels of the enclosing sections, from the root.
    pub section_path: Vec<String>,
    /// The clause's text, re-flowed into one paragraph, without its label.
    pub text: String,
    /// Span in the stored text, label included.
    pub span: [usize; 2],
    /// Who must carry the clause out, where the document says so: the body an assignee heading
    /// names (`5. Bộ Nội vụ`) for the clauses under it, or the body a `Giao X chủ trì …` clause
    /// names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The cells of a table row (kind [`ClauseKind::Row`]), in order; empty for other clauses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// The first and last page of the clause, where the source has pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

/// The kind of a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseKind {
    /// A task or solution (nhiệm vụ, giải pháp, đột phá, tổ chức thực hiện).
    Task,
    /// A target (chỉ tiêu) with a quantity.
    Target,
    /// A lesson (`Một là …`).
    Lesson,
    /// A legal basis (`Căn cứ …`, `Xét …`).
    Basis,
    /// An article (`Điều N.`) body paragraph of a state document.
    Article,
    /// Any other paragraph.
    Paragraph,
    /// A row of a table, its cells in [`Clause::cells`].
    Row,
    /// A form to fill in, whole: a template an annex gives (`Mẫu số 01` and every line under
    /// it), a statistical report sheet (`Biểu số …`), a run of fields with leaders.
    Form,
}

impl ClauseKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ClauseKind; 8] = [
        ClauseKind::Task,
        ClauseKind::Target,
        ClauseKind::Lesson,
        ClauseKind::Basis,
        ClauseKind::Article,
        ClauseKind::Paragraph,
        ClauseKind::Row,
        ClauseKind::Form,
    ];

    /// The identifier used in JSON and filters (`task`, `target` …).
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::Task => "task",
            ClauseKind::Target => "target",
            ClauseKind::Lesson => "lesson",
            ClauseKind::Basis => "basis",
            ClauseKind::Article => "article",
            ClauseKind::Paragraph => "paragraph",
            ClauseKind::Row => "row",
            ClauseKind::Form => "form",
        }
    }

    /// The Vietnamese name shown on the page (`nhiệm vụ`, `chỉ tiêu` …).
    pub fn vietnamese(self) -> &'static str {
        match self {
            ClauseKind::Task => "nhiệm vụ",
            ClauseKind::Target => "chỉ tiêu",
            ClauseKind::Lesson => "bài học",
            ClauseKind::Basis => "căn cứ",
            ClauseKind::Article => "điều khoản",
            ClauseKind::Paragraph => "đoạn",
            ClauseKind::Row => "dòng bảng",
            ClauseKind::Form => "biểu mẫu",
        }
    }

    /// Parses the identifier of [`ClauseKind::as_str`].
    pub fn parse(s: &str) -> Option<ClauseKind> {
        ClauseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
