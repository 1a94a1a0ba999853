"""Catalogue and label routes (档案目录, D1–D4): JSON to read, PDF to print, CSV."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from services.common.auth import Principal
from services.common.contracts.operations import (
    CatalogueFile,
    ClosedFloor,
    FloorCatalogue,
    ItemList,
)
from services.common.models import (
    BUILDING_PATTERN,
    EARLIEST_YEAR,
    HOUSEHOLD_PATTERN,
    LATEST_YEAR,
)
from services.common.operations import CATALOGUE_READERS
from services.common.web import attachment
from services.registry.catalogues.models import LabelKind
from services.registry.catalogues.service import CataloguesService
from services.registry.guards import allow

Year = Annotated[int, QueryParameter(ge=EARLIEST_YEAR, le=LATEST_YEAR)]
Building = Annotated[str, PathParameter(pattern=BUILDING_PATTERN)]
Floor = Annotated[int, PathParameter(ge=0, le=999)]
Household = Annotated[str, PathParameter(pattern=HOUSEHOLD_PATTERN)]


class CataloguesController(Controller):
    path = "/catalogues"
    tags = ("catalogues",)
    guards = [allow(*CATALOGUE_READERS)]  # noqa: RUF012 - Litestar's declared layer type

    @get("/general", operation_id="getGeneralCatalogue")
    async def general(self, principal: NamedDependency[Principal],
                      catalogues: NamedDependency[CataloguesService]) -> list[CatalogueFile]:
        """The general catalogue (总目录): every file in cabinet order (building, floor,
        unit), its label (the current occupant, D2), counts, closed files marked (D3);
        the files and documents the reader may know of, counted up to their clearance."""
        return await catalogues.general(principal)

    @get("/general.pdf", operation_id="getGeneralCataloguePdf", media_type="application/pdf")
    async def general_pdf(self, principal: NamedDependency[Principal],
                          catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        content = await catalogues.general_pdf(principal)
        return attachment(content, "catalogue-general", "pdf")

    @get("/general.csv", operation_id="getGeneralCatalogueCsv", media_type="text/csv")
    async def general_csv(self, principal: NamedDependency[Principal],
                          catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        content = await catalogues.general_csv(principal)
        return attachment(content, "catalogue-general", "csv")

    @get("/floors/{building:str}/{floor:int}", operation_id="getFloorCatalogue")
    async def floor(self, building: Building, floor: Floor,
                    principal: NamedDependency[Principal],
                    catalogues: NamedDependency[CataloguesService]) -> FloorCatalogue:
        """A floor's file catalogue (案卷目录): its files, and the same by box (D7)."""
        return await catalogues.floor(principal, building, floor)

    @get("/floors/{building:str}/{floor:int}/catalogue.pdf",
         operation_id="getFloorCataloguePdf", media_type="application/pdf")
    async def floor_pdf(self, building: Building, floor: Floor,
                        principal: NamedDependency[Principal],
                        catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        """One page per box, to go into that box."""
        content = await catalogues.floor_pdf(principal, building, floor)
        return attachment(content, f"catalogue-{building}-{floor}", "pdf")

    @get("/floors/{building:str}/{floor:int}/catalogue.csv",
         operation_id="getFloorCatalogueCsv", media_type="text/csv")
    async def floor_csv(self, building: Building, floor: Floor,
                        principal: NamedDependency[Principal],
                        catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        content = await catalogues.floor_csv(principal, building, floor)
        return attachment(content, f"catalogue-{building}-{floor}", "csv")

    @get("/floors/{building:str}/{floor:int}/closed.pdf", operation_id="getClosedCataloguePdf",
         media_type="application/pdf")
    async def closed_pdf(self, building: Building, floor: Floor, year: Year,
                         principal: NamedDependency[Principal],
                         catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        """D3: the item lists of the floor's parts closed (moved out) in ``year``."""
        content = await catalogues.closed_pdf(principal, building, floor, year)
        return attachment(content, f"closed-{year}-{building}-{floor}", "pdf")

    @get("/closed", operation_id="listClosedFloors")
    async def closed_floors(self, year: Year, principal: NamedDependency[Principal],
                            catalogues: NamedDependency[CataloguesService]
                            ) -> list[ClosedFloor]:
        """D3: the floors with parts closed in ``year`` (each gets its printed catalogue)."""
        return await catalogues.closed_floors(principal, year)

    @get("/households/{household:str}/items", operation_id="getItemList")
    async def items(self, household: Household, principal: NamedDependency[Principal],
                    catalogues: NamedDependency[CataloguesService]) -> ItemList:
        """A file's item list (卷内目录): number, date, title, pages, location, newest
        first (D4), the closed parts apart (D3): the documents the reader may know of;
        404 ``unknown_household`` for a household not shown to them."""
        return await catalogues.items(principal, household)

    @get("/households/{household:str}/items.pdf", operation_id="getItemListPdf",
         media_type="application/pdf")
    async def items_pdf(self, household: Household, principal: NamedDependency[Principal],
                        catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        content = await catalogues.items_pdf(principal, household)
        return attachment(content, f"items-{household}", "pdf")

    @get("/households/{household:str}/items.csv", operation_id="getItemListCsv",
         media_type="text/csv")
    async def items_csv(self, household: Household, principal: NamedDependency[Principal],
                        catalogues: NamedDependency[CataloguesService]) -> Response[bytes]:
        content = await catalogues.items_csv(principal, household)
        return attachment(content, f"items-{household}", "csv")

    @get("/labels.pdf", operation_id="getLabelsPdf", media_type="application/pdf")
    async def labels_pdf(self, principal: NamedDependency[Principal],
                         catalogues: NamedDependency[CataloguesService],
                         kind: Annotated[LabelKind, QueryParameter()] = "folders",
                         building: Annotated[str | None,
                                             QueryParameter(pattern=BUILDING_PATTERN)] = None,
                         floor: Annotated[int | None, QueryParameter(ge=0, le=999)] = None,
                         household: Annotated[str | None,
                                              QueryParameter(pattern=HOUSEHOLD_PATTERN)] = None,
                         ) -> Response[bytes]:
        """Labels on A4 sheets, 2 × 5: ``folders`` (户号, the current occupant's name, D2)
        or ``boxes`` (the box's place and the files in it), of a building, a floor or one
        household (a new file's folder, its boxes)."""
        content = await catalogues.labels_pdf(principal, kind, building=building,
                                              floor=floor, household=household)
        return attachment(content, f"labels-{kind}", "pdf")
