"""The login history names the browser and the computer in words (huzhu.accounts.agents)."""

import pytest
from axes.models import AccessLog
from django.utils import timezone

from huzhu.accounts.agents import describe

WIN_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (WIN_CHROME, "Chrome 131 · Windows 10/11"),
        (WIN_CHROME + " Edg/131.0.2903.86", "Edge 131 · Windows 10/11"),
        (
            "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/86.0.4240.198 Safari/537.36 QIHU 360SE",
            "360浏览器 · Windows 7",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/70.0.3538.25 Safari/537.36 Core/1.70.3883.400 QQBrowser/10.8.4559.400",
            "QQ浏览器 · Windows 10/11",
        ),
        (
            "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
            "Firefox 115 · Windows 7",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Safari 17 · iPhone",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI",
            "微信 · iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, "
            "like Gecko) Version/4.0 Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile "
            "Safari/537.36",
            "华为浏览器 · 鸿蒙",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/17.2 Safari/605.1.15",
            "Safari 17 · Mac",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Chrome 131 · Linux",
        ),
        ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)", "IE · Windows 8"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("x" * 50, "x" * 40 + "…"),
        ("", "未知"),
        (None, "未知"),
    ],
)
def test_a_user_agent_in_words(agent, words):
    assert describe(agent) == words


def test_the_login_history_names_browser_and_computer_and_keeps_the_raw_string(people, login):
    client = login(people.officer_a)
    AccessLog.objects.create(
        username="officer_a",
        ip_address="10.0.0.7",
        user_agent=WIN_CHROME,
        attempt_time=timezone.now(),
    )
    page = client.get("/account/logins/").content.decode()
    assert f'<td title="{WIN_CHROME}">Chrome 131 · Windows 10/11</td>' in page
    assert "告知互济会（电话 0531-86195716" in page
