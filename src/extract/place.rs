//! (temporary stub)
use super::gazetteer::{Municipality, PlaceRow};
use super::Place;
pub struct Gazetteer {
    m: Vec<Municipality>,
}
impl Gazetteer {
    pub fn new(m: Vec<Municipality>, _p: Vec<PlaceRow>) -> Gazetteer {
        Gazetteer { m }
    }
    pub fn embedded() -> &'static Gazetteer {
        unimplemented!()
    }
    pub fn municipality_name(&self, code: &str) -> Option<&str> {
        self.m
            .iter()
            .find(|m| m.code == code)
            .map(|m| m.name.as_str())
    }
    pub fn municipalities(&self) -> impl Iterator<Item = &Municipality> {
        self.m.iter()
    }
    pub fn has_municipality(&self, code: &str) -> bool {
        self.municipality_name(code).is_some()
    }
    pub fn lookup(&self, _name: &str) -> Option<Place> {
        None
    }
    pub fn resolve(&self, _f: Option<&str>, _t: &str) -> Vec<Place> {
        vec![]
    }
}
