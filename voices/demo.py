"""Invented demo messages for the demo city, and its first text models.

    from voices.demo import write_demo_messages
    write_demo_messages(congress)            # ~300 messages, most routed, models trained

Everything here is invented (is_demo staff account, made-up places, no real person); the
districts are the demo city's own (loaded by `make_demo_city --load`). Idempotent: each
message carries an external number `DEMO-<n>`, so a second run adds nothing. Messages are
received through the real services (imports, back-dated), routed by a demo staff account
to the category's usual unit (a few to another unit, as staff do), so the training history
looks like confirmed routing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

#: (code, name, usual unit's name, [(subject, body)]) — invented texts; {d} a district, {n} a number,
#: {p} a place.
CATEGORIES = (
    ("urban", "城乡建设", "市住房和城乡建设局", [
        ("小区路灯长期不亮", "{d}{p}小区{n}号楼前的路灯坏了快一个月，晚上老人孩子出行很不安全，请尽快维修。"),
        ("老旧小区改造进度慢", "{d}{p}小区列入老旧小区改造已经两年，外墙保温和管网改造一直没有动工，希望公布进度。"),
        ("楼道墙皮脱落", "{d}{p}家属院{n}单元楼道墙皮大面积脱落，物业不管，存在安全隐患。"),
        ("电梯加装补贴咨询", "我们{d}{p}小区想加装电梯，请问补贴标准是多少，需要多少住户同意？"),
        ("小区雨污管道堵塞", "{d}{p}小区雨污管道堵塞，一下雨院子里就积水，污水倒灌到{n}号楼地下室。"),
    ]),
    ("traffic", "交通出行", "市交通运输局", [
        ("公交线路调整建议", "建议{n}路公交车延伸到{d}{p}，附近几个新小区居民上下班没有公交可坐。"),
        ("公交车班次太少", "{d}{p}站早高峰{n}路公交二十多分钟才来一趟，经常挤不上去，希望加密班次。"),
        ("出租车拒载绕路", "在{d}{p}打车，司机嫌路近拒载，还有司机故意绕路多收费，希望加强管理。"),
        ("路口红绿灯时间不合理", "{d}{p}路口左转绿灯只有{n}秒，每次只能过几辆车，经常堵到下一个路口。"),
        ("道路坑洼不平", "{d}{p}路段路面坑洼很多，雨天积水看不清，已经有电动车摔倒，请尽快修补。"),
    ]),
    ("environment", "生态环境", "市生态环境局", [
        ("工厂夜间排放异味", "{d}{p}附近的工厂每天夜里排放刺鼻气味，窗户都不敢开，怀疑偷排废气。"),
        ("河道污水直排", "{d}{p}段河道有管道往河里直排污水，河水发黑发臭，夏天蚊虫很多。"),
        ("工地扬尘严重", "{d}{p}工地没有覆盖防尘网，大风天尘土飞扬，周边居民意见很大。"),
        ("餐馆油烟扰民", "{d}{p}楼下新开的烧烤店油烟直排，{n}楼以上住户家里全是油烟味。"),
        ("夜间施工噪音", "{d}{p}工地晚上十一点以后还在施工，噪音很大，影响休息，请依法查处。"),
    ]),
    ("education", "教育", "市教育局", [
        ("入学划片咨询", "我家住{d}{p}，孩子今年上小学，请问划片到哪所学校，需要准备哪些材料？"),
        ("校外培训乱收费", "{d}{p}一家培训机构一次性收取{n}个月学费，现在停课不退费，请相关部门处理。"),
        ("学校门口交通拥堵", "{d}{p}小学门口上下学时段车辆乱停，孩子过马路很危险，建议设置护学岗。"),
        ("幼儿园学位紧张", "{d}{p}片区新建小区很多，只有一所公办幼儿园，学位严重不足，希望增建。"),
        ("课后服务收费", "{d}{p}学校课后服务每月收费{n}元，请问收费标准是否经过审批？"),
    ]),
    ("health", "医疗卫生", "市卫生健康委员会", [
        ("社区卫生服务中心缺药", "{d}{p}社区卫生服务中心常用降压药经常缺货，老人只能去大医院开药。"),
        ("医院挂号难", "{d}人民医院专家号一放出来就没了，网上有人倒卖号源，希望整治。"),
        ("建议增设夜间门诊", "{d}{p}一带只有一家医院有夜间急诊，建议社区卫生服务中心开设夜间门诊。"),
        ("疫苗接种预约咨询", "请问{d}哪些接种点可以预约成人疫苗，怎么预约？"),
        ("医院停车难", "{d}医院停车场车位太少，排队进场要{n}分钟，周边道路也被堵死。"),
    ]),
    ("social", "社会保障", "市人力资源和社会保障局", [
        ("拖欠农民工工资", "我们在{d}{p}项目干活，老板拖欠{n}个人的工资已经三个月，讨薪无门，请求帮助。"),
        ("养老保险转移接续", "我从外省回到{d}工作，养老保险关系转移办了两个月还没办好，请问进度。"),
        ("失业保险金申领", "在{d}失业后申领失业保险金，网上提交后一直显示审核中，请问需要多久？"),
        ("社保卡补办慢", "{d}{p}社保卡补办说要等{n}个工作日，能否加快或者先出临时卡？"),
        ("退休待遇核定咨询", "我下个月在{d}办理退休，请问退休待遇核定需要哪些材料？"),
    ]),
    ("market", "市场监管", "市市场监督管理局", [
        ("超市销售过期食品", "在{d}{p}超市买到过期{n}天的牛奶，商家不给退换，请求查处。"),
        ("预付卡商家跑路", "{d}{p}健身房突然关门，办的年卡还有{n}个月没用，老板联系不上。"),
        ("餐馆卫生差", "{d}{p}一家餐馆后厨卫生很差，吃完后家里好几个人拉肚子。"),
        ("商品价格欺诈", "{d}{p}商场标价和结账价格不一致，每件多收{n}元，投诉商家不理。"),
        ("电动车质量问题", "在{d}买的电动车不到{n}个月电池就坏了，商家推给厂家，厂家推给商家。"),
    ]),
    ("utilities", "供水供暖", "市城市管理局", [
        ("暖气不热", "{d}{p}小区{n}号楼暖气一直不热，室内只有十二三度，家里有老人孩子，请尽快处理。"),
        ("小区突然停水", "{d}{p}小区从早上开始停水，没有任何通知，到现在还没来水。"),
        ("水压太低", "{d}{p}小区{n}楼以上水压太低，白天基本没水，热水器都打不着火。"),
        ("供暖费收费咨询", "{d}{p}小区供暖费按建筑面积收取，请问公摊面积是否应当收费？"),
        ("自来水发黄", "{d}{p}小区自来水发黄有异味，放一会儿才变清，担心水质问题。"),
    ]),
)

#: Older than this, a demo order comes with its past outcome (closed); younger, it is being handled.
HANDLED_AFTER = timedelta(days=45)
#: Invented answers of the units, for the closed orders.
RESULTS = (
    "经现场核实，已安排维修，现已处理完毕。",
    "已联系诉求人说明相关政策，诉求人表示理解。",
    "已督促责任单位整改，整改已完成。",
    "已列入年度工作计划，将按计划实施并及时反馈。",
    "已转交属地街道办事处协调解决，问题已解决。",
)
PLACES = ("幸福", "和平", "新华", "光明", "东风", "建设", "文化", "平安", "兴华", "永安", "南关", "北苑", "西城",
          "御河", "云冈", "迎宾", "魏都", "同泉", "恒安", "红旗")
DEMO_STAFF = "demo-voices-staff"


def _demo_staff():
    from core.accounts.models import User

    user, created = User.objects.get_or_create(
        username=DEMO_STAFF, defaults={"role": "staff", "is_demo": True, "first_name": "演示", "last_name": "工作人员"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def ensure_categories(congress) -> dict[str, object]:
    """The demo categories with their usual units (found by name in the demo city)."""
    from core.organisation.models import HandlingUnit

    from .models import MessageCategory

    fallback = HandlingUnit.objects.filter(congress=congress, is_active=True).order_by("pk").first()
    found = {}
    for position, (code, name, unit_name, _texts) in enumerate(CATEGORIES):
        unit = HandlingUnit.objects.filter(congress=congress, name=unit_name, is_active=True).first() or fallback
        category, _created = MessageCategory.objects.get_or_create(
            congress=congress, code=code, defaults={"name": name, "unit": unit, "position": position},
        )
        found[code] = category
    return found


def write_demo_messages(congress, *, count: int = 300, seed: int = 20261125, by=None, train: bool = True,
                        routed_share: float = 0.8) -> dict:
    """Write `count` invented messages for `congress` (idempotent) and train its models.

    Messages older than HANDLED_AFTER come with their past outcome (handled, answered and
    closed back then); of the recent ones `routed_share` are routed and being handled, the
    others wait for routing.
    Returns {"created": n, "routed": n, "closed": n of the routed, "models": [TextModel...]}."""
    from core.organisation.models import District, HandlingUnit

    from . import services
    from .models import Message
    from .services.training import train as train_models

    rng = random.Random(seed)
    by = by or _demo_staff()
    categories = ensure_categories(congress)
    districts = list(District.objects.filter(congress=congress).order_by("pk"))
    units = list(HandlingUnit.objects.filter(congress=congress, is_active=True).order_by("pk"))
    now = timezone.now()
    created = routed = closed = 0
    for n in range(count):
        code, _name, _unit, texts = CATEGORIES[n % len(CATEGORIES)]
        subject, body = rng.choice(texts)
        district = rng.choice(districts) if districts else None
        fill = {"d": district.name if district else "", "p": rng.choice(PLACES), "n": rng.randint(2, 30)}
        received_at = now - timedelta(days=rng.randint(3, 360), minutes=rng.randint(0, 1439))
        external_id = f"DEMO-{n + 1}"
        if Message.objects.filter(congress=congress, channel="import", external_id=external_id).exists():
            continue
        category = categories[code]
        message = _receive(services, by, congress, rng, subject, body.format(**fill), district, category,
                           external_id, received_at)
        created += 1
        unit = category.unit
        if rng.random() < 0.1 and units:
            unit = rng.choice(units)
        handled_long_ago = now - received_at > HANDLED_AFTER
        if unit is not None and (handled_long_ago or rng.random() < routed_share):
            if handled_long_ago:
                # Long past: it came with its outcome (an import of last year's orders), so the
                # demo's desks show what is being handled now, not a year of false lateness.
                services.record_historical_outcome(
                    by=by, message=message, unit=unit, result=rng.choice(RESULTS),
                    closed_at=received_at + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8)),
                )
                closed += 1
            else:
                services.route_message(by=by, message=message, category=category, unit=unit,
                                       now=received_at + timedelta(hours=rng.randint(2, 30)))
            routed += 1
    models = []
    if train:
        models = train_models(by=by, congress=congress)
    return {"created": created, "routed": routed, "closed": closed, "models": models}


def _receive(services, by, congress, rng, subject, body, district, category, external_id, received_at):
    # A deputy's voice needs its deputy or station: the demo keeps to 12345 orders and petitions.
    return services.receive_message(
        by=by, congress=congress, channel="import", regime=rng.choice(["hotline"] * 9 + ["petition"]),
        subject=subject, body=body, nature=rng.choice(["help", "help", "complaint", "consultation", "suggestion"]),
        district=district, category=category, external_id=external_id, received_at=received_at, quiet=True, classify=False,
    )
