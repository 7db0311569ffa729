from ninja import Schema


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    duties: list[str]
    union: str | None
    unit: str | None
