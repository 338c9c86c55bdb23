"""cets-desktop: offline preparation of China national ETS filings (全国碳市场管理平台离线填报助手)."""

__version__ = "0.1.0"
APP_NAME = "cets-desktop"
APP_TITLE = "全国碳市场填报助手"
