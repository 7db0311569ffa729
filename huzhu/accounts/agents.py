"""A browser's User-Agent in words a user recognises (`Chrome 131 · Windows 10/11`), for his
login history: he is asked to report logins that were not his, and the raw string cut at 60
characters (`Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML…`) named neither the
browser nor the computer. The raw string stays in the page as the cell's tooltip."""

import re

# the apps and browsers that carry their own mark, before the engines they are built on
# (each names Chrome or Safari too): first match wins
BROWSERS: tuple[tuple[str, str], ...] = (
    (r"MicroMessenger", "微信"),
    (r"DingTalk", "钉钉"),
    (r"M?QQBrowser", "QQ浏览器"),
    (r"QihooBrowser|QHBrowser|360SE|360EE", "360浏览器"),
    (r"MetaSr", "搜狗浏览器"),
    (r"UCBrowser|UCWEB", "UC浏览器"),
    (r"HuaweiBrowser", "华为浏览器"),
    (r"MiuiBrowser", "小米浏览器"),
    (r"Edg(?:e|A|iOS)?/(\d+)", "Edge"),
    (r"OPR/(\d+)", "Opera"),
    (r"Firefox/(\d+)", "Firefox"),
    (r"CriOS/(\d+)", "Chrome"),
    (r"Chrome/(\d+)", "Chrome"),
    (r"Version/(\d+)[.\d]* (Mobile/\S+ )?Safari/", "Safari"),
    (r"MSIE |Trident/", "IE"),
)
SYSTEMS: tuple[tuple[str, str], ...] = (
    (r"HarmonyOS|OpenHarmony", "鸿蒙"),
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"Windows NT 10\.0", "Windows 10/11"),
    (r"Windows NT 6\.[23]", "Windows 8"),
    (r"Windows NT 6\.1", "Windows 7"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "Mac"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
)


def _first(rules: tuple[tuple[str, str], ...], agent: str) -> str:
    for pattern, name in rules:
        found = re.search(pattern, agent)
        if found:
            version = found.group(1) if found.groups() and found.group(1) else ""
            return f"{name} {version}" if version else name
    return ""


def describe(agent: str | None) -> str:
    """`Chrome 131 · Windows 10/11`; what cannot be told is left out; an agent of which
    nothing is known is shown as it is (cut at 40 characters); `未知` for none."""
    agent = (agent or "").strip()
    parts = [part for part in (_first(BROWSERS, agent), _first(SYSTEMS, agent)) if part]
    if parts:
        return " · ".join(parts)
    return (agent[:40] + "…" if len(agent) > 40 else agent) or "未知"
