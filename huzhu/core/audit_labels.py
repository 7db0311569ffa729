"""Chinese names for what the audit log records: its action codes and the keys of the summaries
that are not model fields. The log keeps the codes (the audit page filters by them); people
read the names."""

from django.apps import apps

ACTION_LABELS: dict[str, str] = {
    "accounts.user.created": "新建用户",
    "accounts.user.updated": "修改用户",
    "accounts.user.password_changed": "修改密码",
    "accounts.user.password_reset": "管理员重设密码",
    "accounts.user.2fa_enrolled": "启用二次验证",
    "accounts.authenticator.deleted": "重置二次验证（删除身份验证器）",
    "axes.accessattempt.deleted": "解除登录锁定",
    "accounts.token.created": "签发接口令牌",
    "core.field_key.rotated": "更换加密密钥",
    "core.demo.loaded": "载入演示数据",
    "organizations.union.created": "新建工会组织",
    "organizations.unit.created": "登记单位",
    "organizations.unit.updated": "修改单位信息",
    "members.roster.imported": "导入职工名册",
    "members.roster.exported": "导出职工名册",
    "members.member.updated": "修改职工信息",
    "members.member.moved": "职工调入本单位",
    "members.member.left": "职工移出名册",
    "members.member.deceased": "登记职工身故（身故救助申请已查验登记）",
    "members.member.death_revoked": "撤销职工身故记录",
    "members.member.id_number_revealed": "查看完整身份证号码",
    "members.member.bank_card_revealed": "查看完整银行卡号",
    "contracts.contract.created": "申请入会（草稿）",
    "contracts.contract.renewal_started": "申请续会（草稿）",
    "contracts.contract.submitted": "提交入会或续会申请",
    "contracts.contract.cancelled": "撤销合同申请",
    "contracts.contract.fee_confirmed": "确认会费，合同生效",
    "contracts.contract.granted_free": "赠送普惠份额，合同生效",
    "quota.programme.loaded": "载入普惠服务年度",
    "quota.application.granted": "普惠名额申请获批",
    "quota.application.refused": "普惠名额申请未获批",
    "claims.holiday_year.loaded": "载入法定节假日安排",
    "claims.holiday_year.unlisted": "取消已载入的节假日年份",
    "claims.document.opened": "查看申请材料",
    "claims.register.exported": "导出救助申请台账",
    "payments.batch.created": "生成发放批次",
    "payments.batch.approved": "审批发放批次",
    "payments.batch.downloaded": "下载银行发放文件",
    "payments.batch.withdrawn": "撤回发放批次",
    "payments.payment.result": "登记银行发放结果",
    "payments.payee_card.corrected": "更正收款银行卡",
}

# the apps an action code starts with, by what the audit page's filter calls them
APP_LABELS = {
    "accounts": "用户与账号",
    "core": "系统",
    "organizations": "工会组织与单位",
    "members": "职工与名册",
    "contracts": "保障合同",
    "quota": "普惠名额",
    "claims": "救助申请",
    "payments": "救助金发放",
    "axes": "登录锁定",
}

# admin edits are recorded as "<app>.<model>.<verb>" (huzhu.core.admin_audit)
VERBS = {"created": "新增", "updated": "修改", "deleted": "删除"}

# keys of audit summaries that are not fields of the target's model
KEY_LABELS = {
    "bank_ref": "银行流水号",
    "budget": "预算（元）",
    "claim": "救助申请",
    "claims": "救助申请",
    "consent": "个人信息同意",
    "contract": "合同",
    "contract_no": "合同单号",
    "count": "笔数",
    "created": "新登记职工",
    "days": "天数",
    "device": "验证器",
    "duties": "职责",
    "effective": "生效日",
    "field": "项目",
    "file": "文件",
    "filter": "筛选条件",
    "from_file": "由表格批量登记",
    "history": "含历年演示数据",
    "item": "材料",
    "key_id": "密钥编号",
    "kind": "类型",
    "label": "材料名称",
    "left": "移出人数",
    "member": "职工",
    "members": "职工",
    "name": "名称",
    "period": "期次",
    "periods": "各期基础名额",
    "reason": "原因",
    "remaining": "剩余名额",
    "rows": "行数",
    "seed": "随机种子",
    "sha256": "文件校验值（SHA-256）",
    "shares": "份数",
    "status": "状态",
    "support": "线上申请技术支持",
    "total": "合计（元）",
    "unit": "单位",
    "updated": "更新人数",
    "usable_password": "可以用密码登录",
    "user": "用户",
}


# coded values of such keys (a user's duties), added by the apps that define the codes
KEY_CHOICES: dict[str, dict[str, str]] = {}


def register(
    actions: dict[str, str] | None = None, choices: dict[str, dict[str, str]] | None = None
) -> None:
    """An app whose names are defined where its codes are (the claim workflow's steps, the
    staff duties) adds them when it is ready."""
    ACTION_LABELS.update(actions or {})
    KEY_CHOICES.update(choices or {})


def action_label(code: str) -> str:
    """The Chinese name of an action code; an admin edit by its model's name; else the code."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return label
    app, _, rest = code.partition(".")
    model, _, verb = rest.partition(".")
    try:
        name = apps.get_model(app, model)._meta.verbose_name
    except (LookupError, ValueError):
        return code
    return f"{VERBS[verb]}{name}" if verb in VERBS else code


def action_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For the audit page's filter: per app (in APP_LABELS' order) its prefix, its name and its
    named actions (code, name). A prefix finds every action of the app, admin edits included."""
    groups: dict[str, list[tuple[str, str]]] = {app: [] for app in APP_LABELS}
    for code, label in ACTION_LABELS.items():
        app = code.partition(".")[0]
        groups.setdefault(app, []).append((code, label))
    return [(f"{app}.", APP_LABELS.get(app, app), items) for app, items in groups.items()]
