//! The data file's format: a header of `#` lines, an empty line, then one password a line, most common first.

/// The entries of the list, in rank order (rank = position + 1), header skipped.
pub fn entries(text: &str) -> impl Iterator<Item = &str> {
    // No entry is empty, so the first empty line can only be the end of the header.
    text.split('\n').skip_while(|l| !l.is_empty()).skip(1).filter(|l| !l.is_empty())
}
