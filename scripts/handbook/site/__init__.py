"""The HTML site: page context, Pagefind search, and the theme files shared by every book."""
