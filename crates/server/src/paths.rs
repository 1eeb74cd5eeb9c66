//! What a public answer may say about a source file: its name, never the server's folders. The
//! index keeps the path it was given at ingestion (often absolute, e.g. `/srv/vankien/corpus/…`);
//! that path names the server's layout and its user, so the API shows the last segment only.

/// The file name of a stored source path: the part after the last `/` or `\`.
pub(crate) fn file_name(source: &str) -> &str {
    source.rsplit(['/', '\\']).next().unwrap_or(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_segment_is_shown() {
        assert_eq!(file_name("/srv/corpus/69-KL-TW.txt"), "69-KL-TW.txt");
        assert_eq!(file_name("corpus/sub/a.pdf"), "a.pdf");
        assert_eq!(file_name(r"C:\data\corpus\b.docx"), "b.docx");
        assert_eq!(file_name("plain.txt"), "plain.txt");
        assert_eq!(file_name(""), "");
    }
}
