//! The sample articles embedded in the binary.

use super::Article;

/// The sample articles embedded in the binary, shown when no path is given.
pub fn bundled() -> Vec<Article> {
    Vec::new()
}
