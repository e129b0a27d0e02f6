"""Where the shipped defaults live: data/ beside the package (templates, fonts, taxonomy, company header)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
TEMPLATES_DIR = DATA_DIR / "templates"
FONT_DIR = DATA_DIR / "fonts"
