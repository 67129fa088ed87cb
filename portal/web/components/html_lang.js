// Keeps <html lang> equal to the page's language (WCAG 3.1.1) without a script event.
import { useEffect } from "react";

export function HtmlLang({ lang }) {
  useEffect(() => {
    if (lang) {
      document.documentElement.lang = lang;
    }
  }, [lang]);
  return null;
}
